package dev.plaza.kit.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Loads configuration in layers, each overriding the one before:
 * <ol>
 *   <li>the defaults YAML resource on the classpath (every key a role needs, with standalone-friendly values);</li>
 *   <li>the optional YAML file from {@code --config FILE} (mappings merge key by key; lists and values replace);</li>
 *   <li>environment variables {@code PLAZA_<KEY>} (see {@link EnvOverrides} for how names map to keys);</li>
 *   <li>{@code --set key=value} arguments, in order.</li>
 * </ol>
 * Unknown keys and bad values surface when {@link Config#bind} runs, each naming its full key path.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "PLAZA_";

    /** {@code PLAZA_*} variables that belong to the launcher script, not to the configuration. */
    public static final Set<String> NON_CONFIG_ENV = Set.of("PLAZA_HOME", "PLAZA_JAVA_HOME", "PLAZA_JAVA_OPTS",
            "PLAZA_OPTS");

    private static final YAMLMapper YAML = new YAMLMapper();

    private ConfigLoader() {
    }

    /**
     * @param defaultsResource classpath path of the defaults YAML, e.g. {@code plaza/defaults.yaml}
     * @param file             the {@code --config} file, if any (it must exist when given)
     * @param env              the process environment (usually {@code System.getenv()}); only {@code PLAZA_*} is read
     * @param sets             {@code key=value} assignments, highest precedence
     * @throws ConfigException for a missing resource or file, unparsable YAML or a malformed assignment
     */
    public static Config load(String defaultsResource, Optional<Path> file, Map<String, String> env,
                              List<String> sets) {
        Objects.requireNonNull(defaultsResource, "defaultsResource");
        ObjectNode tree = readResource(defaultsResource);
        file.ifPresent(f -> Tree.merge(tree, readFile(f)));
        Map<String, String> plazaEnv = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length() && !NON_CONFIG_ENV.contains(k)) {
                plazaEnv.put(k, v);
            }
        });
        List<Config.Assignment> assignments = new ArrayList<>();
        for (String set : sets) {
            assignments.add(parseAssignment(set));
        }
        return new Config(tree, plazaEnv, assignments);
    }

    /** The usual call from a {@code main}: file and sets from the parsed command line. */
    public static Config load(String defaultsResource, Args args, Map<String, String> env) {
        return load(defaultsResource, args.config(), env, args.sets());
    }

    private static Config.Assignment parseAssignment(String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("bad --set '" + set + "': expected key=value");
        }
        String key = set.substring(0, eq).trim();
        if (key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
            throw new ConfigException("bad --set '" + set + "': '" + key + "' is not a key path");
        }
        return new Config.Assignment(key, set.substring(eq + 1));
    }

    private static ObjectNode readResource(String resource) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null || loader.getResource(name) == null) {
            loader = ConfigLoader.class.getClassLoader();
        }
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                throw new ConfigException("defaults resource '" + resource + "' not found on the classpath");
            }
            return asObject(YAML.readTree(in), "defaults resource '" + resource + "'");
        } catch (JacksonException e) {
            throw new ConfigException("defaults resource '" + resource + "' is not valid YAML: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read defaults resource '" + resource + "': " + e.getMessage(), e);
        }
    }

    private static ObjectNode readFile(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return asObject(YAML.readTree(in), "config file '" + file + "'");
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file '" + file + "' not found", e);
        } catch (JacksonException e) {
            throw new ConfigException("config file '" + file + "' is not valid YAML: " + e.getOriginalMessage()
                    + locationOf(e), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file '" + file + "': " + e.getMessage(), e);
        }
    }

    private static String locationOf(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static ObjectNode asObject(JsonNode node, String what) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode(); // an empty file is fine
        }
        if (node instanceof ObjectNode object) {
            return object;
        }
        throw new ConfigException(what + " must be a mapping of keys at the top level");
    }
}
