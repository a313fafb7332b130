// The one error testenv throws: it names what is missing and how to provide it.
export class TestEnvError extends Error {
  override readonly name = 'TestEnvError';
}
