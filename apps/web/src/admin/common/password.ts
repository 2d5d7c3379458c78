// No 0/O, 1/l/I: the password is read off a screen and typed once.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password from the browser's CSPRNG: 4 groups of 5, about 115 bits. */
export function generatePassword(groups = 4, groupLength = 5): string {
  const bytes = new Uint32Array(groups * groupLength);
  crypto.getRandomValues(bytes);
  const chars = Array.from(bytes, (n) => ALPHABET[n % ALPHABET.length]!);
  const out: string[] = [];
  for (let g = 0; g < groups; g += 1) out.push(chars.slice(g * groupLength, (g + 1) * groupLength).join(''));
  return out.join('-');
}
