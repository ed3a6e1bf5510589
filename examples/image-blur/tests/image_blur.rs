//! The image-blur example's library: the blur's numbers on tiny images, and the folder blurred
//! in parallel giving the very bytes of the sequential run, with bad files failing alone.

#[path = "cases/blur.rs"]
mod blur;
#[path = "cases/folder.rs"]
mod folder;
