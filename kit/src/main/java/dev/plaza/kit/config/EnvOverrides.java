package dev.plaza.kit.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps {@code PLAZA_*} environment variables to config keys. Environment names lose the structure of a key (dots
 * and camelCase both become {@code _} or vanish), so a variable is matched against the keys that are known — the
 * ones the target record declares plus the ones the YAML layers hold — comparing case-insensitively with every
 * {@code _} and {@code .} removed: {@code PLAZA_MARIADB_JDBC_URL} and {@code PLAZA_MARIADB_JDBCURL} both mean
 * {@code mariadb.jdbcUrl}. When that is ambiguous, the key whose canonical environment name matches exactly wins.
 */
final class EnvOverrides {
    private EnvOverrides() {
    }

    /**
     * @param env    variables already filtered to the config ones, prefix included
     * @param keys   the known dotted keys
     * @param strict whether a variable matching no key is an error (binding) or ignored (printing)
     * @return key -> value, in the order of {@code env}
     */
    static Map<String, String> resolve(Map<String, String> env, Collection<String> keys, boolean strict) {
        Map<String, List<String>> byNormal = new LinkedHashMap<>();
        for (String key : keys) {
            byNormal.computeIfAbsent(normal(key), k -> new ArrayList<>()).add(key);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            String name = e.getKey().substring(ConfigLoader.ENV_PREFIX.length());
            List<String> candidates = byNormal.getOrDefault(normal(name), List.of());
            String key;
            if (candidates.size() == 1) {
                key = candidates.getFirst();
            } else if (candidates.isEmpty()) {
                if (strict) {
                    throw new ConfigException("unknown config key from environment variable " + e.getKey()
                            + " (no config key matches it)");
                }
                continue;
            } else {
                List<String> exact = candidates.stream().filter(k -> envName(k).equals(name)).toList();
                if (exact.size() != 1) {
                    throw new ConfigException("environment variable " + e.getKey() + " is ambiguous: it could mean "
                            + String.join(" or ", candidates.stream().map(k -> "'" + k + "'").toList()));
                }
                key = exact.getFirst();
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    /** The canonical variable name for a key, without prefix: {@code mariadb.jdbcUrl -> MARIADB_JDBC_URL}. */
    static String envName(String key) {
        StringBuilder sb = new StringBuilder(key.length() + 8);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '-') {
                sb.append('_');
            } else if (Character.isUpperCase(c) && i > 0 && (Character.isLowerCase(key.charAt(i - 1))
                    || Character.isDigit(key.charAt(i - 1)))) {
                sb.append('_').append(c);
            } else {
                sb.append(Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }

    private static String normal(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '_' && c != '.' && c != '-') {
                sb.append(c);
            }
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
