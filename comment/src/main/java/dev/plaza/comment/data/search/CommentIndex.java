package dev.plaza.comment.data.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plaza.comment.admin.CommentDoc;
import dev.plaza.comment.admin.CommentSearch;
import dev.plaza.comment.admin.CommentSearchPage;
import dev.plaza.comment.admin.CommentSearchQuery;
import dev.plaza.kit.errors.PlazaError;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.mapping.DynamicMapping;
import org.opensearch.client.opensearch._types.mapping.TypeMapping;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.indices.GetAliasResponse;
import org.opensearch.client.opensearch.indices.update_aliases.Action;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5Transport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comment search index in OpenSearch, reached through the alias {@value #ALIAS}. The alias points at one
 * concrete index ({@code plaza-comments-<millis>}); a reindex fills a new one and swaps the alias in one step, so
 * searches never see a half-built index. Writes go through the alias with {@code require_alias}, so a write can
 * never auto-create an index with guessed mappings (it fails and the writer calls {@link #ensure()}).
 *
 * <p>Client: opensearch-java over its Apache HttpClient 5 transport, JSON through our Jackson.
 */
public final class CommentIndex implements CommentSearch, AutoCloseable {
    /** The default name of the alias searches and writes go through. */
    public static final String ALIAS = "plaza-comments";
    private static final Logger log = LoggerFactory.getLogger(CommentIndex.class);

    /**
     * @param url      {@code http://host:port} of any node
     * @param alias    the alias searches and writes go through; concrete indices are named {@code <alias>-<suffix>}
     * @param shards   primary shards of a new index
     * @param replicas replicas of a new index (0 on a single node)
     * @param timeout  connect and response timeout of each request
     */
    public record Settings(String url, String alias, int shards, int replicas, Duration timeout) {
        public Settings {
            if (alias == null || !alias.matches("[a-z0-9][a-z0-9_-]{0,200}")) {
                throw new IllegalArgumentException("the index alias must be lower-case letters, digits, - and _: "
                        + alias);
            }
            if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
                throw new IllegalArgumentException("the OpenSearch URL must be http(s)://host:port, was " + url);
            }
            if (shards < 1 || replicas < 0) {
                throw new IllegalArgumentException("shards must be >= 1 and replicas >= 0");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
        }

        /** Alias {@value #ALIAS}, one shard, no replica, 30 s timeout: a single node. */
        public static Settings single(String url) {
            return new Settings(url, ALIAS, 1, 0, Duration.ofSeconds(30));
        }
    }

    /** The result of a bulk write: how many items failed for good (bad documents) and whether to retry the rest. */
    record BulkOutcome(int ok, int rejected, int retryable, String firstError) {
        boolean needsRetry() {
            return retryable > 0;
        }
    }

    private final Settings settings;
    private final String alias;
    private final ApacheHttpClient5Transport transport;
    private final OpenSearchClient client;

    private CommentIndex(Settings settings, ApacheHttpClient5Transport transport) {
        this.settings = settings;
        this.alias = settings.alias();
        this.transport = transport;
        this.client = new OpenSearchClient(transport);
    }

    public static CommentIndex connect(Settings settings) {
        URI u = URI.create(settings.url());
        HttpHost host = new HttpHost(u.getScheme(), u.getHost(), u.getPort() < 0 ? 9200 : u.getPort());
        Timeout t = Timeout.ofMilliseconds(settings.timeout().toMillis());
        ApacheHttpClient5Transport transport = ApacheHttpClient5TransportBuilder.builder(host)
                .setMapper(new JacksonJsonpMapper(new ObjectMapper()))
                .setRequestConfigCallback(rc -> rc.setConnectionRequestTimeout(t).setResponseTimeout(t))
                .setHttpClientConfigCallback(hc -> hc.setConnectionManager(
                        PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(16).setMaxConnPerRoute(16)
                                .setDefaultConnectionConfig(org.apache.hc.client5.http.config.ConnectionConfig.custom()
                                        .setConnectTimeout(t).build())
                                .build()))
                .build();
        return new CommentIndex(settings, transport);
    }

    /** Creates the first concrete index behind the alias unless the alias exists. Safe to call any time. */
    public void ensure() {
        try {
            if (client.indices().existsAlias(e -> e.name(alias)).value()) {
                return;
            }
            if (client.indices().exists(e -> e.index(alias)).value()) {
                log.warn("{} is a concrete index (created outside Plaza?); searches use it until a reindex replaces "
                        + "it with an aliased index", alias);
                return;
            }
            String first = alias + "-initial";
            client.indices().create(c -> c.index(first)
                    .settings(s -> s.numberOfShards(Integer.toString(settings.shards()))
                            .numberOfReplicas(Integer.toString(settings.replicas())))
                    .mappings(mappings())
                    .aliases(alias, a -> a.isWriteIndex(true)));
            log.info("created search index {} behind alias {}", first, alias);
        } catch (OpenSearchException e) {
            if (!"resource_already_exists_exception".equals(e.error().type())) {
                throw unavailable("creating the search index failed", e);
            }
        } catch (IOException e) {
            throw unavailable("creating the search index failed", e);
        }
    }

    /** A new, empty concrete index with our mappings, not behind the alias yet; refresh off while it is loaded. */
    String createLoadingIndex() {
        String name = alias + "-" + System.currentTimeMillis();
        try {
            client.indices().create(c -> c.index(name)
                    .settings(s -> s.numberOfShards(Integer.toString(settings.shards()))
                            .numberOfReplicas(Integer.toString(settings.replicas()))
                            .refreshInterval(ri -> ri.time("-1")))
                    .mappings(mappings()));
            return name;
        } catch (IOException | OpenSearchException e) {
            throw unavailable("creating index " + name + " failed", e);
        }
    }

    /**
     * Points the alias at {@code index} (which it makes searchable first) and deletes every other index of ours, in
     * one alias update so searches see either the old or the new index.
     */
    void promote(String index) {
        try {
            client.indices().putSettings(p -> p.index(index).settings(s -> s.refreshInterval(ri -> ri.time("1s"))));
            client.indices().refresh(r -> r.index(index));
            List<String> old = concreteIndices();
            old.remove(index);
            boolean strayConcrete = client.indices().exists(e -> e.index(alias)).value()
                    && !client.indices().existsAlias(e -> e.name(alias)).value();
            List<Action> actions = new ArrayList<>();
            actions.add(Action.of(a -> a.add(add -> add.index(index).alias(alias).isWriteIndex(true))));
            for (String o : old) {
                actions.add(Action.of(a -> a.removeIndex(r -> r.index(o))));
            }
            if (strayConcrete) {
                actions.add(Action.of(a -> a.removeIndex(r -> r.index(alias))));
            }
            client.indices().updateAliases(u -> u.actions(actions));
        } catch (IOException | OpenSearchException e) {
            throw unavailable("switching the search alias to " + index + " failed", e);
        }
    }

    /** Deletes a concrete index (a reindex that failed half way). */
    void dropIndex(String index) {
        try {
            client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
        } catch (IOException | OpenSearchException e) {
            log.warn("could not delete index {}: {}", index, e.toString());
        }
    }

    /** Our concrete indices ({@code plaza-comments-*}), whether or not the alias points at them. */
    List<String> concreteIndices() throws IOException {
        try {
            GetAliasResponse r = client.indices().getAlias(g -> g.index(alias + "-*").allowNoIndices(true)
                    .ignoreUnavailable(true));
            List<String> out = new ArrayList<>();
            for (String name : r.result().keySet()) {
                if (name.equals(alias + "-initial") || name.matches(java.util.regex.Pattern.quote(alias) + "-[0-9]+")) {
                    out.add(name);
                }
            }
            return out;
        } catch (OpenSearchException e) {
            if (e.status() == 404) {
                return new ArrayList<>();
            }
            throw e;
        }
    }

    public String alias() {
        return alias;
    }

    /** Where the alias points now (empty when it does not exist). */
    public List<String> aliasTargets() {
        try {
            GetAliasResponse r = client.indices().getAlias(g -> g.name(alias).allowNoIndices(true)
                    .ignoreUnavailable(true));
            return List.copyOf(r.result().keySet());
        } catch (OpenSearchException e) {
            if (e.status() == 404) {
                return List.of();
            }
            throw unavailable("reading the search alias failed", e);
        } catch (IOException e) {
            throw unavailable("reading the search alias failed", e);
        }
    }

    /** Deletes the alias and every index of ours: an empty search side (tests, and operators starting over). */
    public void wipe() {
        try {
            List<String> all = concreteIndices();
            if (client.indices().exists(e -> e.index(alias)).value()
                    && !client.indices().existsAlias(e -> e.name(alias)).value()) {
                all.add(alias);
            }
            if (!all.isEmpty()) {
                client.indices().delete(d -> d.index(all).ignoreUnavailable(true));
            }
        } catch (IOException | OpenSearchException e) {
            throw unavailable("wiping the search index failed", e);
        }
    }

    /**
     * Merges each partial document into the document of its rpid through the alias, creating it when missing. Items
     * the index refuses for good (a malformed document: HTTP 400) are counted and dropped; anything else (no index,
     * overload, conflicts, connection failures) asks for a retry, which is safe because merging the same fields
     * again changes nothing.
     */
    BulkOutcome upsert(Collection<Map<String, Object>> docs) {
        if (docs.isEmpty()) {
            return new BulkOutcome(0, 0, 0, null);
        }
        List<BulkOperation> ops = new ArrayList<>(docs.size());
        for (Map<String, Object> doc : docs) {
            String id = doc.get(ReplyDocs.RPID).toString();
            ops.add(BulkOperation.of(b -> b.update(u -> u.index(alias).id(id).document(doc).docAsUpsert(true)
                    .requireAlias(true).retryOnConflict(3))));
        }
        return bulk(ops);
    }

    /** Writes whole documents into one concrete index (the reindexer's load). */
    BulkOutcome put(String index, Collection<Map<String, Object>> docs) {
        if (docs.isEmpty()) {
            return new BulkOutcome(0, 0, 0, null);
        }
        List<BulkOperation> ops = new ArrayList<>(docs.size());
        for (Map<String, Object> doc : docs) {
            String id = doc.get(ReplyDocs.RPID).toString();
            ops.add(BulkOperation.of(b -> b.index(i -> i.index(index).id(id).document(doc))));
        }
        return bulk(ops);
    }

    private BulkOutcome bulk(List<BulkOperation> ops) {
        BulkResponse r;
        try {
            r = client.bulk(b -> b.operations(ops));
        } catch (IOException | RuntimeException e) {
            return new BulkOutcome(0, 0, ops.size(), e.toString());
        }
        if (!r.errors()) {
            return new BulkOutcome(ops.size(), 0, 0, null);
        }
        int ok = 0;
        int rejected = 0;
        int retry = 0;
        String first = null;
        for (BulkResponseItem item : r.items()) {
            ErrorCause err = item.error();
            if (err == null) {
                ok++;
                continue;
            }
            if (first == null) {
                first = item.status() + " " + err.type() + ": " + err.reason();
            }
            // 400 is a document the mappings refuse; an illegal_argument (say, an alias without a write index) is
            // a setup problem an operator fixes, so those writes wait rather than being dropped
            boolean malformed = (item.status() == 400 && !"index_not_found_exception".equals(err.type())
                    && !"illegal_argument_exception".equals(err.type())) || item.status() == 413;
            if (malformed) {
                rejected++;
            } else {
                retry++;
            }
        }
        return new BulkOutcome(ok, rejected, retry, first);
    }

    /** Makes everything written so far searchable now (tests; the index refreshes every second by itself). */
    public void refresh() {
        try {
            client.indices().refresh(r -> r.index(alias).ignoreUnavailable(true).allowNoIndices(true));
        } catch (IOException | OpenSearchException e) {
            throw unavailable("refreshing the search index failed", e);
        }
    }

    /** Documents behind the alias, including partial ones. */
    public long count() {
        try {
            return client.count(c -> c.index(alias).ignoreUnavailable(true).allowNoIndices(true)).count();
        } catch (IOException | OpenSearchException e) {
            throw unavailable("counting the search index failed", e);
        }
    }

    /** True when the alias (or an index by its name) exists and answers. */
    public boolean isHealthy() {
        try {
            return client.indices().exists(e -> e.index(alias)).value();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public CommentSearchPage search(CommentSearchQuery q) {
        List<Query> filters = new ArrayList<>();
        // documents whose index row has arrived: a content row alone is not a comment yet
        filters.add(Query.of(f -> f.exists(e -> e.field(ReplyDocs.STATE))));
        if (q.mid() != null) {
            filters.add(term(ReplyDocs.MID, q.mid()));
        }
        if (q.oid() != null) {
            filters.add(term(ReplyDocs.OID, q.oid()));
        }
        if (q.type() != null) {
            filters.add(term(ReplyDocs.TYPE, q.type()));
        }
        if (q.state() != null) {
            filters.add(term(ReplyDocs.STATE, q.state()));
        }
        if (q.from() != null || q.to() != null) {
            filters.add(Query.of(f -> f.range(r -> {
                r.field(ReplyDocs.CTIME);
                if (q.from() != null) {
                    r.gte(JsonData.of(q.from().toEpochMilli()));
                }
                if (q.to() != null) {
                    r.lte(JsonData.of(q.to().toEpochMilli()));
                }
                return r;
            })));
        }
        SortOrder order = q.oldestFirst() ? SortOrder.Asc : SortOrder.Desc;
        SearchResponse<JsonNode> r;
        try {
            r = client.search(s -> s.index(alias)
                    .from(q.offset())
                    .size(q.ps())
                    .trackTotalHits(t -> t.enabled(true))
                    .query(qq -> qq.bool(b -> {
                        b.filter(filters);
                        if (q.keyword() != null) {
                            b.must(m -> m.matchPhrase(mp -> mp.field(ReplyDocs.MESSAGE).query(q.keyword())));
                        }
                        return b;
                    }))
                    .sort(so -> so.field(f -> f.field(ReplyDocs.CTIME).order(order)))
                    .sort(so -> so.field(f -> f.field(ReplyDocs.RPID).order(order))), JsonNode.class);
        } catch (OpenSearchException e) {
            if (e.status() == 404) {
                return new CommentSearchPage(q.pn(), q.ps(), 0, List.of());
            }
            throw unavailable("searching comments failed", e);
        } catch (IOException | RuntimeException e) {
            throw unavailable("searching comments failed", e);
        }
        List<CommentDoc> items = new ArrayList<>();
        for (Hit<JsonNode> h : r.hits().hits()) {
            if (h.source() != null) {
                items.add(ReplyDocs.toDoc(h.source()));
            }
        }
        long total = r.hits().total() == null ? items.size() : r.hits().total().value();
        return new CommentSearchPage(q.pn(), q.ps(), total, items);
    }

    private static Query term(String field, long value) {
        return Query.of(f -> f.term(t -> t.field(field).value(FieldValue.of(value))));
    }

    /**
     * Strict mappings: a document with a field we did not plan is refused rather than guessed. The message is text
     * with the standard analyzer (CJK is split per character, which phrase queries put back in order) plus a keyword
     * subfield for exact matches.
     */
    private static TypeMapping mappings() {
        return TypeMapping.of(m -> m.dynamic(DynamicMapping.Strict)
                .properties(ReplyDocs.RPID, p -> p.long_(l -> l))
                .properties(ReplyDocs.OID, p -> p.long_(l -> l))
                .properties(ReplyDocs.TYPE, p -> p.integer(i -> i))
                .properties(ReplyDocs.MID, p -> p.long_(l -> l))
                .properties(ReplyDocs.ROOT, p -> p.long_(l -> l))
                .properties(ReplyDocs.PARENT, p -> p.long_(l -> l))
                .properties(ReplyDocs.DIALOG, p -> p.long_(l -> l))
                .properties(ReplyDocs.FLOOR, p -> p.integer(i -> i))
                .properties(ReplyDocs.STATE, p -> p.integer(i -> i))
                .properties(ReplyDocs.ATTRS, p -> p.integer(i -> i))
                .properties(ReplyDocs.LIKE, p -> p.integer(i -> i))
                .properties(ReplyDocs.HATE, p -> p.integer(i -> i))
                .properties(ReplyDocs.MESSAGE, p -> p.text(t -> t.analyzer("standard")
                        .fields("keyword", k -> k.keyword(kw -> kw.ignoreAbove(256)))))
                .properties(ReplyDocs.CTIME, p -> p.date(d -> d.format("epoch_millis"))));
    }

    private static PlazaError unavailable(String what, Exception e) {
        return PlazaError.overloaded("SEARCH_UNAVAILABLE", what + ": " + e.getMessage())
                .withDomain(dev.plaza.comment.biz.CommentErrors.DOMAIN).withCause(e);
    }

    @Override
    public void close() {
        try {
            transport.close();
        } catch (IOException e) {
            log.debug("closing the OpenSearch transport: {}", e.toString());
        }
    }
}
