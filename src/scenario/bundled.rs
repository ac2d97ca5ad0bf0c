//! The scenario files that ship inside the binary: the default and the
//! England 2016 series from `scenarios/`, and the minimal example. `serve`
//! offers them as starting points; none of them reads a file beside it.

use super::DEFAULT_SCENARIO;

/// A file of `scenarios/`, by name.
macro_rules! bundled {
    ($file:literal) => {
        Bundled {
            file: $file,
            text: include_str!(concat!("../../scenarios/", $file)),
        }
    };
}

/// A scenario file compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct Bundled {
    /// The file's name under `scenarios/`.
    pub file: &'static str,
    pub text: &'static str,
}

impl Bundled {
    /// The stem of its file name (`default`, `england-2016-01-12`, ...).
    pub fn stem(&self) -> &'static str {
        self.file.strip_suffix(".toml").unwrap_or(self.file)
    }
}

/// Every bundled scenario, the default first.
pub const BUNDLED: [Bundled; 12] = [
    Bundled {
        file: "default.toml",
        text: DEFAULT_SCENARIO,
    },
    bundled!("district-general-rtx-2016-01-26.toml"),
    bundled!("teaching-ryj-2016-01-26.toml"),
    bundled!("sandwell-2016-01-12.toml"),
    bundled!("england-2016-01-12.toml"),
    bundled!("england-2016-01-26-48h.toml"),
    bundled!("england-2016-02-10.toml"),
    bundled!("england-2016-03-09-48h.toml"),
    bundled!("england-2016-04-06-48h.toml"),
    bundled!("england-2016-04-26-full.toml"),
    bundled!("england-2016-dispute.toml"),
    Bundled {
        file: "examples/minimal.toml",
        text: include_str!("../../scenarios/examples/minimal.toml"),
    },
];

/// The bundled scenario of this file name, if there is one.
pub fn find(file: &str) -> Option<&'static Bundled> {
    BUNDLED.iter().find(|b| b.file == file || b.stem() == file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn every_bundled_scenario_is_valid_and_every_file_is_bundled() {
        for b in &BUNDLED {
            Scenario::from_toml(b.text, b.file)
                .unwrap_or_else(|e| panic!("{} is not valid: {e}", b.file));
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        for entry in std::fs::read_dir(dir).expect("scenarios/") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            if name.ends_with(".toml") {
                assert!(find(&name).is_some(), "scenarios/{name} is not bundled");
            }
        }
    }
}
