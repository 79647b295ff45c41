// A data file or task-sequence file that cannot be used as it is: the message names the file (and the
// key or record) and what is wrong, so the user knows what to fix.
export class DataFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFormatError';
  }
}
