// The protocol types the app uses: all generated from the Rust types (never edited by hand).
export * from "./generated/protocol";
