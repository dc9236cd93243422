package dev.plaza.im.pm.biz;

import java.util.List;

/**
 * One page of a conversation, newest first (Bilibili's order).
 *
 * @param messages the page
 * @param hasMore  whether more lie beyond it in the direction asked (newer for a sync from {@code begin_seqno}, older
 *                 otherwise)
 * @param minSeqno the smallest seqno on the page (the asked begin when empty)
 * @param maxSeqno the largest seqno on the page (the asked begin when empty): the next sync starts after it
 */
public record MessagePage(List<PrivateMessage> messages, boolean hasMore, long minSeqno, long maxSeqno) {
    public MessagePage {
        messages = List.copyOf(messages);
    }
}
