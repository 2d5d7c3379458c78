// Spam and malware defence: DNS lists, greylisting, rules, the statistical classifier, ClamAV and rspamd clients.
export {};

/** Message scoring (issue 21 items 2-4): rules, the statistical classifier, verdicts and their fields. */
export { runRules, SPAM_RULES, URL_SHORTENERS, type RuleInput, type SpamRule, type SpamSymbol } from './rules/spam-rules';
export { authVerdict, NO_AUTH_VERDICT, type AuthVerdict } from './rules/auth-results';
export { addressDomain, messageFeatures, urlHost, type MessageFeatures } from './rules/message-features';
export { bayesSymbol, chi2Q, classify, tokenProbability, CLASSIFIER_DEFAULTS, type Classification, type ClassifierOptions, type ModelCounts, type TokenCounts } from './classifier/classifier';
export { messageTokens, tokenHash, tokensDigest, MAX_TOKENS } from './classifier/tokenizer';
export { SpamClassifier, tokensOf, type AccountClassification, type MessageTokens, type TrainTarget } from './classifier/spam-classifier';
export { levelsFor, spamAction, spamFields, SPAM_FIELDS, type SpamAction, type SpamLevels, type SpamVerdict } from './verdict/spam-verdict';
export { filingVerdict, SpamTrainer, MAX_TRAINED_PER_ACTION, type ExternalLearner, type TrainingLogger } from './training/spam-trainer';
