//! Rebuilds the crate when a built-in template changes: the `templates/` folder is embedded
//! whole (`include_dir!`), which on stable Rust does not tell Cargo which files it read.

fn main() {
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=data/init");
    println!("cargo:rerun-if-changed=data/sample");
}
