// One table from the API's error codes (docs/api.md "Error codes") to what the pages tell people.

const MESSAGES = new Map([
  [-1, 'Could not reach the server. Check your connection and try again.'],
  [-101, 'Please log in first.'],
  [-111, 'Your session check failed (CSRF). Please reload the page or log in again.'],
  [-403, 'You are not allowed to do that.'],
  [-404, 'Not found.'],
  [-412, 'Too many failed attempts. Please wait a while before trying again.'],
  [-500, 'Something went wrong on the server. Please try again.'],
  [-503, 'The server is busy right now. Please try again in a moment.'],
  [-504, 'The server took too long to answer. Please try again.'],
  [-509, 'Too fast, slow down: wait a little before sending again.'],
  [-629, 'Wrong username or password.'],
  [12002, 'Comments are closed on this video.'],
  [12016, 'Your message contains a word that is not allowed.'],
  [12022, 'That comment has already been deleted.'],
  [12025, 'Your message is too long (at most 1000 characters).'],
  [12051, 'You just sent the same message. Please do not repeat it.'],
  [21001, 'Message refused: one of you has blocked the other.'],
  [21002, 'Too late to recall: messages can only be recalled within 2 minutes.'],
  [21003, 'That message cannot be recalled.'],
  [61001, 'That username is already taken.'],
]);

/** The human message for an API error code; -400 and unknown codes use the server's own words. */
export function describe(code, serverMessage) {
  const server = typeof serverMessage === 'string' && serverMessage && serverMessage !== String(code)
    ? serverMessage : '';
  if (code === -400) return server ? 'Invalid input: ' + server : 'Invalid input.';
  if (MESSAGES.has(code)) return MESSAGES.get(code);
  return server || `Something went wrong (error ${code}).`;
}
