//! Standalone Vernis Dynamic EQ (feature `standalone`): `vernis-dynamic-eq-standalone --backend dummy`.

fn main() {
    nice_plug::prelude::nice_export_standalone::<dynamic_eq::VernisDynamicEq>();
}
