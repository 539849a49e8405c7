//! The machinery behind the one list of commands in [`super`]: each entry there names a command,
//! the handler it calls, the arguments the UI passes and what it returns. From that single list
//! the [`commands!`] macro produces the Tauri entry points and the invoke handler, and a
//! description of every command ([`CommandSpec`]) from which `crate::bindings` renders the UI's
//! typed `api.ts`, the capability that grants the commands and the list `build.rs` declares.
//! Writing a command's name and arguments once means the four can no longer drift apart.

use std::path::PathBuf;

use tauri::Manager as _;
use ts_rs::{Config, Dependency, TS, TypeVisitor};

use crate::error::{AppError, CommandResult, ErrorCode};
use crate::state::AppState;

/// One command as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSpec {
    /// The IPC name, e.g. `sync_lender`.
    pub name: &'static str,
    /// The module under `commands/` holding the handler, e.g. `lenders`.
    pub module: &'static str,
    /// The entry's doc comment, one line per element (shown in `api.ts`).
    pub docs: Vec<&'static str>,
    /// Arguments in order: Rust name (snake_case) and TypeScript type.
    pub args: Vec<(&'static str, String)>,
    /// The name of the progress channel argument, when the command reports progress.
    pub progress: Option<&'static str>,
    /// The TypeScript type of a successful result.
    pub returns: String,
    /// Generated types the arguments and result name: (TypeScript name, file under bindings/).
    pub imports: Vec<(String, PathBuf)>,
}

/// The TypeScript name of `T` and the generated types it names directly (`T` itself, or the
/// element of an array or option), which `api.ts` imports.
pub fn ts_type<T: TS + 'static>(cfg: &Config, imports: &mut Vec<(String, PathBuf)>) -> String {
    struct Generics<'a>(&'a Config, &'a mut Vec<(String, PathBuf)>);
    impl TypeVisitor for Generics<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            push(Dependency::from_ty::<U>(self.0), self.1);
        }
    }
    fn push(dependency: Option<Dependency>, imports: &mut Vec<(String, PathBuf)>) {
        if let Some(d) = dependency {
            imports.push((d.ts_name, d.output_path));
        }
    }
    push(Dependency::from_ty::<T>(cfg), imports);
    T::visit_generics(&mut Generics(cfg, imports));
    T::name(cfg)
}

/// The app's state for a command, as Tauri's `State` argument would give it: an error rather
/// than a panic should a command ever arrive before `setup` managed it.
pub fn app_state(app: &tauri::AppHandle) -> CommandResult<tauri::State<'_, AppState>> {
    app.try_state::<AppState>()
        .ok_or_else(|| AppError::new(ErrorCode::Internal, "Khata is still starting; try again."))
}

/// Turns the list of commands into Tauri entry points, `invoke_handler()` and `specs()`.
///
/// Each entry reads `sync|async module::name[injected](arg: Type, …; channel) -> Result;`:
/// - `sync` commands run on the main thread, `async` ones on the async runtime (as Tauri does
///   for a plain and an `async fn`);
/// - `module::name` is the handler, `super::module::name`, which returns `CommandResult<Result>`;
/// - `[injected]` lists what Tauri supplies rather than the UI, passed first and in this order:
///   `app` (the `AppHandle`) and `state` (the `State<AppState>`);
/// - the arguments are what the UI sends; their Rust names are the IPC keys (camelCase in
///   JavaScript), their types must implement `ts_rs::TS`;
/// - after `;`, the name of a `Channel<Progress>` argument through which the command reports
///   progress (the UI passes an optional callback).
///
/// The entry point has the handler's name and forwards to it, so the compiler checks the
/// entry's types, `sync`/`async` and result against the handler; the handler holds the logic
/// and its doc comment. Arguments are passed by position: keep the handler's parameters in the
/// entry's order (a unit test compares the names, which the compiler cannot).
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        $kind:ident $module:ident :: $name:ident [$($inject:ident),* $(,)?]
            ($($arg:ident : $ty:ty),* $(; $progress:ident)?) -> $ret:ty;
    )*) => {
        /// The Tauri entry points, one per command, each forwarding to its handler.
        mod entry {
            #[allow(unused_imports)]
            use super::*;
            $(
                $crate::commands::registry::commands!(@entry $kind
                    $(#[doc = $doc])*
                    $module::$name[$($inject),*]($($arg: $ty),* $(; $progress)?) -> $ret
                );
            )*

            /// The handler Tauri dispatches every command through (`Builder::invoke_handler`).
            pub fn invoke_handler()
            -> impl Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync + 'static {
                tauri::generate_handler![$($name),*]
            }
        }
        pub use entry::invoke_handler;

        /// Every command as the UI sees it, in the order of the list.
        pub fn specs(cfg: &ts_rs::Config) -> Vec<$crate::commands::registry::CommandSpec> {
            vec![$({
                let mut imports = Vec::new();
                $crate::commands::registry::CommandSpec {
                    name: stringify!($name),
                    module: stringify!($module),
                    docs: vec![$($doc),*],
                    args: vec![$((
                        stringify!($arg),
                        $crate::commands::registry::ts_type::<$ty>(cfg, &mut imports),
                    )),*],
                    progress: $crate::commands::registry::commands!(@name $($progress)?),
                    returns: $crate::commands::registry::ts_type::<$ret>(cfg, &mut imports),
                    imports,
                }
            }),*]
        }
    };

    // A sync entry point is a plain `fn`; an async one is an `async fn` awaiting its handler.
    (@entry sync $($entry:tt)*) => {
        $crate::commands::registry::commands!(@fn [] [] $($entry)*);
    };
    (@entry async $($entry:tt)*) => {
        $crate::commands::registry::commands!(@fn [async] [.await] $($entry)*);
    };

    (@fn [$($async:tt)?] [$($await:tt)*] $(#[doc = $doc:literal])*
        $module:ident :: $name:ident [$($inject:ident),*]
        ($($arg:ident : $ty:ty),* $(; $progress:ident)?) -> $ret:ty
    ) => {
        $(#[doc = $doc])*
        #[tauri::command]
        $($async)? fn $name(
            app: tauri::AppHandle,
            $($arg: $ty,)*
            $($progress: tauri::ipc::Channel<khata_engine::views::Progress>,)?
        ) -> $crate::error::CommandResult<$ret> {
            let _ = &app; // not every handler takes the app
            super::$module::$name(
                $($crate::commands::registry::commands!(@inject app $inject),)*
                $($arg,)*
                $($progress,)?
            )
            $($await)*
        }
    };

    (@name) => { None };
    (@name $progress:ident) => { Some(stringify!($progress)) };
    (@inject $app:ident app) => { $app.clone() };
    (@inject $app:ident state) => { $crate::commands::registry::app_state(&$app)? };
}

pub(crate) use commands;

#[cfg(test)]
mod tests {
    use super::*;

    /// The parameter names of `fn name(…)` in a handler's source, without what Tauri injects.
    fn handler_parameters(source: &str, name: &str) -> Vec<String> {
        let start = source
            .find(&format!("fn {name}("))
            .unwrap_or_else(|| panic!("no handler {name}"))
            + name.len()
            + 4;
        let end = start + source[start..].find(") ->").expect("a result type");
        // What Tauri injects is told by its type: a UI argument may be called `app` too.
        let injected = |ty: &str| {
            ["State<", "tauri::State<", "AppHandle", "tauri::AppHandle"]
                .iter()
                .any(|t| ty.starts_with(t))
        };
        source[start..end]
            .split(',')
            .filter_map(|part| part.split_once(':'))
            .filter(|(_, ty)| !injected(ty.trim()))
            .map(|(name, _)| name.trim().to_owned())
            .collect()
    }

    /// Entry points pass arguments by position; the compiler catches a wrong type but not two
    /// `String`s swapped or a renamed parameter, so the handlers' names must be the entry's.
    #[test]
    fn handlers_take_the_entries_arguments_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/src/commands");
        for spec in crate::commands::specs(&Config::from_env()) {
            let source = std::fs::read_to_string(dir.join(format!("{}.rs", spec.module))).unwrap();
            let expected: Vec<&str> = spec
                .args
                .iter()
                .map(|(name, _)| *name)
                .chain(spec.progress)
                .collect();
            assert_eq!(
                handler_parameters(&source, spec.name),
                expected,
                "{}::{}",
                spec.module,
                spec.name
            );
        }
    }
}
