package dev.plaza.history.biz;

import java.util.Collection;
import java.util.List;

/** Forwards everything to another store; tests override the calls they make fail, slow or count. */
public class DelegatingStore implements HistoryStore {
    private final HistoryStore delegate;

    public DelegatingStore(HistoryStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public int upsert(Collection<HistoryRecord> records) {
        return delegate.upsert(records);
    }

    @Override
    public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
        return delegate.list(mid, beforeViewAt, business, limit);
    }

    @Override
    public void delete(long mid, Collection<Kid> kids) {
        delegate.delete(mid, kids);
    }

    @Override
    public void clear(long mid) {
        delegate.clear(mid);
    }

    @Override
    public int purgeBefore(long viewAtBefore, int limit) {
        return delegate.purgeBefore(viewAtBefore, limit);
    }
}
