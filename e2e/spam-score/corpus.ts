// A labelled mail corpus generated from templates with seeded randomness: spam and ham share a
// common vocabulary (so single words decide little), each class has its own pools of subjects,
// phrases, sender domains and links, and a share of each class borrows from the other's.

export interface LabelledMessage {
  spam: boolean;
  raw: Buffer;
}

const COMMON = ['the', 'and', 'you', 'this', 'with', 'for', 'your', 'today', 'please', 'here', 'about', 'more', 'information', 'time', 'week', 'new', 'thanks', 'regards', 'team', 'update'];

const SPAM = {
  subjects: ['Claim your prize now', 'Exclusive offer inside', 'You have been selected', 'Lowest prices on watches', 'Your account bonus is waiting', 'Limited time discount', 'Cheap meds delivered', 'Earn money from home', 'Winner notification', 'Final notice: unclaimed reward'],
  phrases: ['act now before the offer expires', 'click below to claim your reward', 'guaranteed results in days', 'no prescription needed', 'risk free trial for new customers', 'earn thousands every week from home', 'exclusive deal just for you', 'your bonus has been credited', 'limited stock order today', 'unsubscribe is not required', 'lowest price guaranteed', 'million dollars transferred to your name', 'verify your payment details immediately', 'cheap replica watches and bags'],
  domains: ['promo-deals.example', 'bestoffers.example', 'win-big.example', 'pharma-direct.example', 'cashbonus.example', 'luxury-replica.example'],
  links: ['https://bit.ly/claim-now', 'http://win-big.example/prize', 'https://cashbonus.example/login', 'http://pharma-direct.example/order', 'https://tinyurl.com/bonus-offer'],
  names: ['Rewards Center', 'Prize Department', 'Special Offers', 'Customer Bonus', 'Online Pharmacy'],
};

const HAM = {
  subjects: ['Minutes from the planning meeting', 'Quarterly report draft', 'Lunch on Thursday?', 'Re: budget review', 'Photos from the weekend', 'Release schedule for version 2.4', 'Agenda for Monday', 'Question about the invoice', 'Travel plans for the conference', 'Code review comments'],
  phrases: ['attached are the minutes from our meeting', 'can we move the call to three', 'the draft needs another review before friday', 'let me know what you think about the proposal', 'the kids loved the trip to the lake', 'we merged the fix into the release branch', 'see the agenda for monday below', 'the invoice number is on the second page', 'I booked the hotel near the venue', 'the tests pass on my machine now', 'mum says hello and thanks for the flowers', 'the budget spreadsheet has the new numbers', 'shall we meet at the usual place'],
  domains: ['colleagues.example', 'family-mail.example', 'university.example', 'partner-company.example', 'opensource.example'],
  links: ['https://git.opensource.example/merge/42', 'https://docs.partner-company.example/report', 'https://university.example/calendar'],
  names: ['Anna Schmidt', 'Ben Carter', 'Chloe Martin', 'David Okafor', 'Eva Novak'],
};

type Pools = typeof SPAM;

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function sentence(random: () => number, own: Pools, other: Pools, borrow: number): string {
  const source = random() < borrow ? other : own;
  const filler = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(random, COMMON)).join(' ');
  return `${pick(random, source.phrases)} ${filler}.`;
}

/** One message of a class; `borrow` is the share of sentences taken from the other class. */
export function generateMessage(random: () => number, spam: boolean, index: number, to = 'user@corpus.test', options: { borrow?: number } = {}): Buffer {
  const own = spam ? SPAM : HAM;
  const other = spam ? HAM : SPAM;
  const borrow = options.borrow ?? (random() < 0.2 ? 0.4 : 0.1);
  const domain = pick(random, own.domains);
  const lines = Array.from({ length: 3 + Math.floor(random() * 5) }, () => sentence(random, own, other, borrow));
  if (random() < 0.6) lines.push(pick(random, random() < borrow ? other.links : own.links));
  let subject = pick(random, own.subjects);
  if (spam && random() < 0.3) subject = subject.toUpperCase();
  const headers = [
    `From: ${pick(random, own.names)} <news${index}@${domain}>`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Date: Fri, 04 Dec 2026 10:${String(index % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <corpus-${index}-${spam ? 's' : 'h'}@${domain}>`,
    'Content-Type: text/plain; charset=utf-8',
  ];
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${lines.join('\r\n')}\r\n`);
}

export function generateCorpus(random: () => number, size: number, to?: string): LabelledMessage[] {
  return Array.from({ length: size }, (_, i) => {
    const spam = random() < 0.5;
    return { spam, raw: generateMessage(random, spam, i, to) };
  });
}

/** A kind of mail the corpus has none of, for training tests: cryptocurrency "investment" offers. */
export function cryptoOffer(random: () => number, index: number, to: string): Buffer {
  const coins = ['bitcoin', 'ethereum', 'dogecoin', 'solana'];
  const lines = [
    `double your ${pick(random, coins)} with our trading robot`,
    'invest in the new token presale and watch your wallet grow',
    `portfolio returns of ${200 + Math.floor(random() * 800)} percent a year`,
    'connect your wallet at the link to join the whitelist',
  ];
  return Buffer.from(
    `From: Crypto Desk <desk${index}@token-presale.example>\r\nTo: ${to}\r\nSubject: ${pick(random, ['Token presale opens', 'Your crypto portfolio', 'Wallet whitelist spot'])} ${index}\r\n` +
      `Date: Fri, 04 Dec 2026 10:00:00 +0000\r\nMessage-ID: <crypto-${index}-${Math.floor(random() * 1e9)}@token-presale.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${lines.join('\r\n')}\r\nhttps://wallet.token-presale.example/join\r\n`,
  );
}
