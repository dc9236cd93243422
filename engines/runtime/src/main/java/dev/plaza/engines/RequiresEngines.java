package dev.plaza.engines;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against real engines: the ones listed are started before the class (once per test
 * JVM, shared by every class; a later class that needs more starts only the missing ones) and stopped when the test
 * run ends. Test constructors and methods can take an {@link Endpoints} parameter; static code can call
 * {@link EnginesExtension#endpoints()}.
 *
 * <pre>{@code
 * @RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS})
 * class CommentRepoIT {
 *     @Test void stores(Endpoints endpoints) { ... endpoints.jdbcUrl("comment") ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EnginesExtension.class)
public @interface RequiresEngines {
    EngineKind[] value();
}
