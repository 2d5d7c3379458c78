// Spam and malware defence: DNS lists, greylisting, rules, the statistical classifier, ClamAV and rspamd clients.
export {};

/** Connection and envelope checks (issue 21 item 1): DNS lists, FCrDNS, greylisting; rate counters (item 7). */
export { DnsListChecker, type DnsListHit, type DnsListLogger } from './dns-lists/dns-list-checker';
export { dnsListResolver, type DnsListResolver } from './dns-lists/dns-list-resolver';
export { answerMeaning, domainQueryName, ipQueryName, plainIp } from './dns-lists/dns-list-names';
export { forwardConfirmedName, type FcrdnsResult } from './dns-lists/fcrdns';
export { Greylist, PASSED_LIFETIME_MS, type GreylistAttempt, type GreylistSettings, type GreylistVerdict } from './greylist/greylist';
export { clientNetwork, NetworkList } from './greylist/ip-networks';
export { RateCounter } from './rates/rate-counter';

/** Message scoring (issue 21 items 2-4): rules, the statistical classifier, verdicts and their fields. */
export { runRules, SPAM_RULES, URL_SHORTENERS, type RuleInput, type SpamRule, type SpamSymbol } from './rules/spam-rules';
export { authVerdict, NO_AUTH_VERDICT, type AuthVerdict } from './rules/auth-results';
export { addressDomain, messageFeatures, urlHost, type MessageFeatures } from './rules/message-features';
export { bayesSymbol, chi2Q, classify, tokenProbability, CLASSIFIER_DEFAULTS, type Classification, type ClassifierOptions, type ModelCounts, type TokenCounts } from './classifier/classifier';
export { messageTokens, tokenHash, tokensDigest, MAX_TOKENS } from './classifier/tokenizer';
export { SpamClassifier, tokensOf, type AccountClassification, type MessageTokens, type TrainTarget } from './classifier/spam-classifier';
export { levelsFor, spamAction, spamFields, SPAM_FIELDS, type SpamAction, type SpamLevels, type SpamVerdict } from './verdict/spam-verdict';
export { filingVerdict, SpamTrainer, spamTrainerFor, MAX_TRAINED_PER_ACTION, type ExternalLearner, type TrainingLogger } from './training/spam-trainer';
export { ClamdClient, parseScanAnswer, ScannerUnavailableError, type MalwareScanner, type MalwareVerdict } from './clamd/clamd-client';
export { RspamdClient, RspamdUnavailableError, rspamdAction, type RspamdEnvelope, type RspamdVerdict } from './rspamd/rspamd-client';
