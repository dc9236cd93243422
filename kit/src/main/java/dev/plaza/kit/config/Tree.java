package dev.plaza.kit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Operations on the YAML tree. Keys may themselves contain dots (map entries such as logger names
 * {@code org.apache.kafka}), so a dotted path is resolved against the keys that exist, longest first.
 */
final class Tree {
    private Tree() {
    }

    /** Deep merge: objects merge key by key, anything else in {@code overlay} replaces what {@code base} had. */
    static void merge(ObjectNode base, ObjectNode overlay) {
        for (Map.Entry<String, JsonNode> e : overlay.properties()) {
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode existingObject && e.getValue() instanceof ObjectNode overlayObject) {
                merge(existingObject, overlayObject);
            } else {
                base.set(e.getKey(), e.getValue().deepCopy());
            }
        }
    }

    /** Sets {@code value} at the dotted {@code path}, creating (or replacing non-object) parents as needed. */
    static void put(ObjectNode root, String path, JsonNode value) {
        List<String> segments = List.of(path.split("\\.", -1));
        ObjectNode node = root;
        int i = 0;
        while (true) {
            int take = existingKeyLength(node, segments, i);
            if (take == 0) {
                take = 1; // a new key: one segment, so "a.b=1" builds a: {b: 1}
            }
            String key = String.join(".", segments.subList(i, i + take));
            i += take;
            if (i == segments.size()) {
                node.set(key, value);
                return;
            }
            JsonNode child = node.get(key);
            if (!(child instanceof ObjectNode)) {
                child = node.putObject(key);
            }
            node = (ObjectNode) child;
        }
    }

    static Optional<JsonNode> find(JsonNode root, String path) {
        List<String> segments = List.of(path.split("\\.", -1));
        JsonNode node = root;
        int i = 0;
        while (i < segments.size()) {
            if (!(node instanceof ObjectNode object)) {
                return Optional.empty();
            }
            int take = existingKeyLength(object, segments, i);
            if (take == 0) {
                return Optional.empty();
            }
            node = object.get(String.join(".", segments.subList(i, i + take)));
            i += take;
        }
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }

    private static int existingKeyLength(ObjectNode node, List<String> segments, int from) {
        for (int take = segments.size() - from; take >= 1; take--) {
            if (node.has(String.join(".", segments.subList(from, from + take)))) {
                return take;
            }
        }
        return 0;
    }

    /** Every leaf (scalar, list, null or empty mapping) by dotted path. */
    static void leaves(JsonNode node, String prefix, SortedMap<String, JsonNode> out) {
        if (node instanceof ObjectNode object && !object.isEmpty()) {
            Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
            }
        } else if (!prefix.isEmpty()) {
            out.put(prefix, node);
        }
    }

    /** How a node prints in {@code flatten()} and {@code get()}: scalars as their text, containers as JSON. */
    static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
