package dev.plaza.kit.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a YAML tree to records through their canonical constructors. Supported component types: nested records,
 * String, int, long, boolean, double (and their boxes), Duration, Path, enums, {@code List<X>}, {@code Map<String,X>}
 * and {@code Optional<X>}. Absent lists and maps bind empty, absent optionals (or empty text) bind empty, anything
 * else absent is a missing required key. An absent nested record binds from an empty mapping, so the error names the
 * innermost missing key.
 */
final class Binder {
    private static final int MAX_DEPTH = 32;

    private Binder() {
    }

    static <T> T bindRoot(ObjectNode tree, Class<T> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record; config binds to records");
        }
        return type.cast(bind(tree, type, ""));
    }

    /** Dotted keys the record declares at the leaves (where environment variables can point). */
    static Set<String> leafKeys(Class<?> record) {
        Set<String> out = new java.util.LinkedHashSet<>();
        leafKeys(record, "", out, 0);
        return out;
    }

    private static void leafKeys(Class<?> record, String prefix, Set<String> out, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        for (RecordComponent c : record.getRecordComponents()) {
            String key = prefix.isEmpty() ? c.getName() : prefix + "." + c.getName();
            Type t = c.getGenericType();
            if (raw(t) == Optional.class) {
                t = typeArg(t, 0);
            }
            if (t instanceof Class<?> cls && cls.isRecord()) {
                leafKeys(cls, key, out, depth + 1);
            } else {
                out.add(key);
            }
        }
    }

    static Object bind(JsonNode node, Type type, String path) {
        boolean absent = node == null || node.isNull() || node.isMissingNode();
        Class<?> raw = raw(type);
        if (raw == Optional.class) {
            if (absent || (node.isTextual() && node.asText().isEmpty())) {
                return Optional.empty();
            }
            return Optional.of(bind(node, typeArg(type, 0), path));
        }
        if (raw.isRecord()) {
            return bindRecord(absent ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : node,
                    raw, path);
        }
        if (raw == List.class) {
            return absent ? List.of() : bindList(node, typeArg(type, 0), path);
        }
        if (raw == Map.class) {
            if (raw(typeArg(type, 0)) != String.class) {
                throw new ConfigException("unsupported config type " + type.getTypeName() + " for '" + path
                        + "': map keys must be String");
            }
            return absent ? Map.of() : bindMap(node, typeArg(type, 1), path);
        }
        if (absent) {
            throw new ConfigException("missing required config key '" + path + "'");
        }
        return bindScalar(node, raw, path);
    }

    private static Object bindRecord(JsonNode node, Class<?> type, String path) {
        if (!(node instanceof ObjectNode object)) {
            throw bad(path, node, "is not a mapping of nested keys");
        }
        RecordComponent[] components = type.getRecordComponents();
        Set<String> names = Arrays.stream(components).map(RecordComponent::getName)
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String field : (Iterable<String>) () -> object.fieldNames()) {
            if (!names.contains(field)) {
                String key = join(path, field);
                throw new ConfigException("unknown config key '" + key + "'" + suggestion(field, names, path));
            }
        }
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            args[i] = bind(object.get(c.getName()), c.getGenericType(), join(path, c.getName()));
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            return ctor.newInstance(args);
        } catch (InvocationTargetException e) {
            // a compact constructor rejected the combination of values
            Throwable cause = e.getCause();
            String where = path.isEmpty() ? "bad configuration: " : "bad value for '" + path + "': ";
            throw new ConfigException(where + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new ConfigException("cannot construct " + type.getName() + " for '" + path + "'", e);
        }
    }

    private static List<Object> bindList(JsonNode node, Type element, String path) {
        List<Object> out = new ArrayList<>();
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                out.add(bind(array.get(i), element, path + "[" + i + "]"));
            }
        } else if (node.isTextual()) {
            // environment variables and --set carry lists as comma-separated text
            int i = 0;
            for (String part : node.asText().split(",")) {
                if (!part.isBlank()) {
                    out.add(bind(TextNode.valueOf(part.trim()), element, path + "[" + i++ + "]"));
                }
            }
        } else {
            throw bad(path, node, "is not a list");
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, Object> bindMap(JsonNode node, Type value, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node instanceof ObjectNode object) {
            boolean scalarValues = !raw(value).isRecord() && raw(value) != List.class && raw(value) != Map.class;
            Map<String, JsonNode> entries = new LinkedHashMap<>();
            if (scalarValues) {
                // "--set log.levels.org.apache.kafka=WARN" nests the dotted name; flatten it back
                java.util.SortedMap<String, JsonNode> leaves = new java.util.TreeMap<>();
                for (Map.Entry<String, JsonNode> e : object.properties()) {
                    if (e.getValue() instanceof ObjectNode) {
                        Tree.leaves(e.getValue(), e.getKey(), leaves);
                        entries.putAll(leaves);
                        leaves.clear();
                    } else {
                        entries.put(e.getKey(), e.getValue());
                    }
                }
            } else {
                object.properties().forEach(e -> entries.put(e.getKey(), e.getValue()));
            }
            entries.forEach((k, v) -> out.put(k, bind(v, value, join(path, k))));
        } else if (node.isTextual()) {
            for (String part : node.asText().split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw bad(path, node, "is not a map (write k=v,k2=v2)");
                }
                String k = part.substring(0, eq).trim();
                out.put(k, bind(TextNode.valueOf(part.substring(eq + 1).trim()), value, join(path, k)));
            }
        } else {
            throw bad(path, node, "is not a map");
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object bindScalar(JsonNode node, Class<?> type, String path) {
        if (!node.isValueNode()) {
            throw bad(path, node, "is not a single value (" + type.getSimpleName() + ")");
        }
        String text = node.asText().trim();
        if (type == String.class) {
            return node.asText();
        }
        if (type == int.class || type == Integer.class) {
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                return node.intValue();
            }
            try {
                return node.isTextual() ? Integer.parseInt(text) : fail();
            } catch (NumberFormatException e) {
                throw bad(path, node, "is not an int");
            }
        }
        if (type == long.class || type == Long.class) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            try {
                return node.isTextual() ? Long.parseLong(text) : fail();
            } catch (NumberFormatException e) {
                throw bad(path, node, "is not a long");
            }
        }
        if (type == double.class || type == Double.class) {
            if (node.isNumber()) {
                return node.doubleValue();
            }
            try {
                return node.isTextual() ? Double.parseDouble(text) : fail();
            } catch (NumberFormatException e) {
                throw bad(path, node, "is not a number");
            }
        }
        if (type == boolean.class || type == Boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
            if (node.isTextual() && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                return Boolean.parseBoolean(text);
            }
            throw bad(path, node, "is not a boolean (true or false)");
        }
        if (type == Duration.class) {
            if (node.isTextual() || (node.isIntegralNumber() && node.longValue() == 0)) {
                try {
                    return Durations.parse(text);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("bad value for '" + path + "': " + e.getMessage());
                }
            }
            throw bad(path, node, "is not a duration (use e.g. 250ms, 5s, 1m30s or PT5S)");
        }
        if (type == Path.class) {
            return Path.of(node.asText());
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                String name = ((Enum<?>) constant).name();
                if (name.equalsIgnoreCase(text) || name.equalsIgnoreCase(text.replace('-', '_'))) {
                    return constant;
                }
            }
            String allowed = Arrays.stream(type.getEnumConstants())
                    .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
            throw bad(path, node, "is not one of " + allowed);
        }
        throw new ConfigException("unsupported config type " + type.getName() + " for '" + path + "'");
    }

    /** Non-text, non-matching node: reported like a parse failure. */
    private static Object fail() {
        throw new NumberFormatException();
    }

    private static ConfigException bad(String path, JsonNode node, String problem) {
        return new ConfigException("bad value for '" + path + "': " + node.toString() + " " + problem);
    }

    private static String suggestion(String field, Set<String> names, String path) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(field.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = name;
            }
        }
        return best != null && bestDistance <= 2 ? " (did you mean '" + join(path, best) + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Class<?> raw(Type t) {
        if (t instanceof Class<?> c) {
            return c;
        }
        if (t instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new ConfigException("unsupported config type " + t.getTypeName());
    }

    private static Type typeArg(Type t, int i) {
        if (t instanceof ParameterizedType p) {
            return p.getActualTypeArguments()[i];
        }
        throw new ConfigException("config type " + t.getTypeName() + " needs its type arguments");
    }
}
