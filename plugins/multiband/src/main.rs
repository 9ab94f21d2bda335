//! Standalone Vernis Multiband (feature `standalone`): `vernis-multiband-standalone --backend dummy`.

fn main() {
    nice_plug::prelude::nice_export_standalone::<multiband::VernisMultiband>();
}
