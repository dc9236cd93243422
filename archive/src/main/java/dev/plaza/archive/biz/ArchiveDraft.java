package dev.plaza.archive.biz;

/**
 * A video about to be created, already checked by {@link ArchiveRules#draft}; {@code cover} is "" when absent.
 */
public record ArchiveDraft(long ownerMid, String title, String desc, int duration, String cover, String mediaUrl) {
}
