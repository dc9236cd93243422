package dev.plaza.archive.biz;

import java.util.List;

/**
 * One page of the catalog, newest first.
 *
 * @param count how many videos match in total (for the pager)
 */
public record ArchiveList(int pn, int ps, long count, List<ArchiveView> items) {
    public ArchiveList {
        items = List.copyOf(items);
    }
}
