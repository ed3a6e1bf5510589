//! `#[course_testing::test]`: a plain `#[test]` whose body runs under a deadline.
//!
//! Use it through the `course-testing` crate, which re-exports it and holds the code it expands
//! to. The expansion is small on purpose: all behaviour lives in `course_testing::__private`, where
//! it can be tested like any other code.
//!
//! ```text
//! #[course_testing::test]                          // deadline: 10 s
//! #[course_testing::test(deadline_secs = 30)]      // a longer one
//! #[course_testing::test(hint = "a chunk whose task never returns?")]
//! #[course_testing::test(own_process)]             // runs alone in a child process
//! #[course_testing::test(own_process, env(TMPDIR = "/nonexistent"))]
//! ```

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::{ItemFn, LitInt, LitStr, ReturnType, parse_macro_input};

/// The deadline of a test without `deadline_secs`: well below the grader's kill timer
/// (`timeout_secs = 20` in the exercises), so the student reads what hung instead of "killed".
const DEFAULT_DEADLINE_SECS: u64 = 10;

/// Turns `fn name() { body }` into a `#[test]` that runs `body` under a deadline and fails with a
/// message that says what probably hung. Options: `deadline_secs = N`, `hint = "..."` (added to
/// the hang message), `own_process` (the test runs alone in a child process, for memory checks or
/// environment variables), `env(NAME = "value", ...)` (with `own_process`: set in the child).
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut options = Options::default();
    let parser = syn::meta::parser(|meta| options.parse(meta));
    parse_macro_input!(args with parser);
    let function = parse_macro_input!(item as ItemFn);
    match expand(options, function) {
        Ok(tokens) => tokens.into(),
        Err(error) => error.to_compile_error().into(),
    }
}

#[derive(Default)]
struct Options {
    deadline_secs: Option<u64>,
    hint: Option<LitStr>,
    own_process: bool,
    env: Vec<(String, LitStr)>,
}

impl Options {
    fn parse(&mut self, meta: syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
        if meta.path.is_ident("deadline_secs") {
            let secs: LitInt = meta.value()?.parse()?;
            let value: u64 = secs.base10_parse()?;
            if value == 0 {
                return Err(syn::Error::new(
                    secs.span(),
                    "a deadline of 0 s fails every test",
                ));
            }
            self.deadline_secs = Some(value);
        } else if meta.path.is_ident("hint") {
            self.hint = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("own_process") {
            self.own_process = true;
        } else if meta.path.is_ident("env") {
            meta.parse_nested_meta(|variable| {
                let name = variable
                    .path
                    .get_ident()
                    .ok_or_else(|| variable.error("expected `NAME = \"value\"`"))?
                    .to_string();
                self.env.push((name, variable.value()?.parse()?));
                Ok(())
            })?;
        } else {
            return Err(meta.error(
                "unknown option: expected `deadline_secs = N`, `hint = \"...\"`, `own_process` \
                 or `env(NAME = \"value\")`",
            ));
        }
        Ok(())
    }
}

fn expand(options: Options, function: ItemFn) -> syn::Result<proc_macro2::TokenStream> {
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = function;
    if let Some(input) = sig.inputs.first() {
        return Err(syn::Error::new_spanned(input, "a test takes no arguments"));
    }
    if let Some(asyncness) = sig.asyncness {
        return Err(syn::Error::new_spanned(
            asyncness,
            "async tests are not supported: block on the future inside the test",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "a test cannot be generic",
        ));
    }
    if !options.env.is_empty() && !options.own_process {
        return Err(syn::Error::new(
            Span::call_site(),
            "`env(..)` needs `own_process`: environment variables can only be set for a whole process",
        ));
    }
    let output = match &sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => {
            if options.own_process {
                return Err(syn::Error::new_spanned(
                    ty,
                    "an `own_process` test returns nothing: assert inside it instead",
                ));
            }
            quote!(#ty)
        }
    };
    let name = &sig.ident;
    let deadline_secs = options.deadline_secs.unwrap_or(DEFAULT_DEADLINE_SECS);
    let hint = match &options.hint {
        Some(hint) => quote!(::core::option::Option::Some(#hint)),
        None => quote!(::core::option::Option::None),
    };
    let own_process = options.own_process;
    let env = options
        .env
        .iter()
        .map(|(name, value)| quote!((#name, #value)));
    let run = if own_process {
        quote!(run_own_process_test)
    } else {
        quote!(run_test)
    };
    // `::core::prelude::v1::test` is the built-in attribute: a plain `#[test]` would name this
    // very macro again if the user imported it as `test`.
    Ok(quote! {
        #[::core::prelude::v1::test]
        #(#attrs)*
        #vis #sig {
            ::course_testing::__private::#run(
                ::course_testing::__private::TestInfo {
                    package: ::core::env!("CARGO_PKG_NAME"),
                    module: ::core::module_path!(),
                    name: ::core::stringify!(#name),
                    deadline_secs: #deadline_secs,
                    hint: #hint,
                    own_process: #own_process,
                    env: &[#(#env),*],
                },
                move || -> #output #block,
            )
        }
    })
}
