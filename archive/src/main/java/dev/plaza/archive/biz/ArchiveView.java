package dev.plaza.archive.biz;

/** What a reader sees of one video: the video, its uploader's public profile and its counters. */
public record ArchiveView(Archive archive, Owner owner, ArchiveStat stat) {
}
