// For `cargo xtask check` (xtask/src/book.rs): once the page has loaded, record what every
// image rendered (loaded or broken, its drawn size and the size shown) in an attribute of
// <body>. Headless Chromium dumps the DOM and xtask reads it. Readers see nothing of it.
window.addEventListener("load", function () {
    var report = Array.prototype.map.call(document.images, function (image) {
        var box = image.getBoundingClientRect();
        return {
            src: image.getAttribute("src") || "",
            complete: image.complete,
            naturalWidth: image.naturalWidth,
            naturalHeight: image.naturalHeight,
            width: box.width,
            height: box.height
        };
    });
    document.body.setAttribute("data-render-check", JSON.stringify(report));
});
