// Spam and malware defence: DNS lists, greylisting, rules, the statistical classifier, ClamAV and rspamd clients.
export {};
