package dev.plaza.kit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Loaded configuration: the merged YAML layers plus the environment and {@code --set} overrides, kept apart until
 * {@link #bind} because environment variable names can only be resolved against the keys the target record declares.
 * Immutable; made by {@link ConfigLoader}.
 */
public final class Config {
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "credential");

    private final ObjectNode yaml;
    private final Map<String, String> env;
    private final List<Assignment> sets;

    record Assignment(String key, String value) {
    }

    Config(ObjectNode yaml, Map<String, String> env, List<Assignment> sets) {
        this.yaml = yaml.deepCopy();
        this.env = Map.copyOf(env);
        this.sets = List.copyOf(sets);
    }

    /**
     * Binds every layer to {@code type} (a record). Environment variables are matched against the keys the record
     * declares and the keys the YAML layers hold.
     *
     * @throws ConfigException naming the key for an unknown key in any layer, a bad value or a missing required key
     */
    public <T> T bind(Class<T> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; config binds to records");
        }
        Set<String> keys = new LinkedHashSet<>(Binder.leafKeys(type));
        keys.addAll(yamlKeys());
        return Binder.bindRoot(effective(keys, true), type);
    }

    /**
     * The effective value at a dotted key as text (lists and mappings as JSON).
     *
     * @throws ConfigException when the key is absent or null
     */
    public String get(String key) {
        return find(key).orElseThrow(() -> new ConfigException("no config key '" + key + "'"));
    }

    /** Like {@link #get} but empty when absent or null. */
    public Optional<String> find(String key) {
        return Tree.find(effective(yamlKeys(), false), key).map(Tree::text);
    }

    /**
     * Every effective leaf by dotted key, sorted, for printing. Environment variables that match no key present in the
     * YAML layers are left out here (only {@link #bind} knows the full set of keys and rejects them).
     */
    public SortedMap<String, String> flatten() {
        SortedMap<String, JsonNode> leaves = new TreeMap<>();
        Tree.leaves(effective(yamlKeys(), false), "", leaves);
        SortedMap<String, String> out = new TreeMap<>();
        leaves.forEach((k, v) -> out.put(k, Tree.text(v)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** {@link #flatten} with the values of keys that look secret (password, secret, token, credential) masked. */
    public SortedMap<String, String> flattenRedacted() {
        SortedMap<String, String> out = new TreeMap<>(flatten());
        out.replaceAll((k, v) -> looksSecret(k) && !v.isEmpty() && !v.equals("null") ? "******" : v);
        return Collections.unmodifiableSortedMap(out);
    }

    private static boolean looksSecret(String key) {
        String last = key.substring(key.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(last::contains);
    }

    private Set<String> yamlKeys() {
        SortedMap<String, JsonNode> leaves = new TreeMap<>();
        Tree.leaves(yaml, "", leaves);
        return leaves.keySet();
    }

    private ObjectNode effective(Set<String> knownKeys, boolean strict) {
        ObjectNode tree = yaml.deepCopy();
        EnvOverrides.resolve(env, knownKeys, strict).forEach((k, v) -> Tree.put(tree, k, TextNode.valueOf(v)));
        for (Assignment a : sets) {
            Tree.put(tree, a.key(), TextNode.valueOf(a.value()));
        }
        return tree;
    }
}
