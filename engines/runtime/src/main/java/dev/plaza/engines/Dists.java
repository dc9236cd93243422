package dev.plaza.engines;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the classpath folders of the child JVM engines: {@code <plaza home>/engines/<name>-dist/target/lib}, built by
 * {@code ./mvnw -pl engines -am install}. The Plaza home is {@code -Dplaza.home}, else {@code PLAZA_HOME}, else the
 * nearest folder at or above the working directory that has an {@code engines/<name>-dist} folder.
 */
final class Dists {
    static final String HOME_PROPERTY = "plaza.home";
    static final String HOME_ENV = "PLAZA_HOME";

    private Dists() {
    }

    static Path libDir(String name) {
        String dist = name + "-dist";
        Path home = home(dist);
        Path lib = home.resolve("engines").resolve(dist).resolve("target").resolve("lib");
        if (!hasJars(lib)) {
            throw new IllegalStateException("the " + name + " engine classpath " + lib.toAbsolutePath()
                    + " is missing or empty (Plaza home " + home.toAbsolutePath() + "). Build it first: "
                    + "cd " + home.toAbsolutePath() + " && ./mvnw -pl engines -am install -DskipTests");
        }
        return lib.toAbsolutePath();
    }

    private static Path home(String dist) {
        String configured = System.getProperty(HOME_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv(HOME_ENV);
        }
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("engines").resolve(dist))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Plaza home (the repository root) to run the " + dist
                + " engine: set -D" + HOME_PROPERTY + "=<repo root> or " + HOME_ENV
                + ", and build the engine classpaths with ./mvnw -pl engines -am install -DskipTests");
    }

    private static boolean hasJars(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "*.jar")) {
            return jars.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }
}
