//! State shared by all commands.

use crate::paths::AppPaths;

pub struct AppState {
    pub paths: AppPaths,
}
