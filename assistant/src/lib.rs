//! The open mastering assistant (library code, no plugin or GUI dependency): it measures a
//! programme ([`analysis`]), decides the mastering chain with stated rules and gives the reason
//! for each move with its numbers. Everything runs offline, at any rate, mono to 7.1.4.

pub mod analysis;
pub mod decisions;
pub mod programme;

pub use analysis::{analyse, ProgrammeAnalysis};
pub use decisions::{
    propose, propose_with_reference, AssistantTarget, MasteringPlan, MatchOptions, Move, MoveStage,
};
pub use programme::{Programme, ProgrammeError};
