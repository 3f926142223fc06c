//! Exit codes and how failures are reported (see README.md): 2 for bad input, 3 for internal or
//! I/O errors, each with its message on stderr.

use std::process::ExitCode;

/// A command's failure, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: a usage error, an invalid file, a refused step. Nothing was written.
    BadInput(String),
    /// The database, the file system or hubsim itself failed.
    Internal(anyhow::Error),
}

impl Failure {
    /// Prints the failure and gives its exit code.
    pub fn report(self) -> ExitCode {
        match self {
            Failure::BadInput(message) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
            Failure::Internal(error) => {
                eprintln!("error: {error:#}");
                ExitCode::from(3)
            }
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

impl From<hubsim_simulator::SimError> for Failure {
    fn from(e: hubsim_simulator::SimError) -> Self {
        Failure::Internal(e.into())
    }
}

/// Writes `text` to standard output. A reader that went away (`hubsim ... | head`) is not an
/// error: the rest of the output is simply dropped.
pub fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Internal(anyhow::Error::new(e).context("writing to standard output"))),
    }
}

/// Maps an evaluation failure: no state is bad input, the rest is internal.
pub fn run_failure(e: hubsim_scenario::runner::RunError) -> Failure {
    match e {
        hubsim_scenario::runner::RunError::NoState(m) => Failure::BadInput(m),
        other => Failure::Internal(anyhow::Error::new(other).context("evaluating the account")),
    }
}
