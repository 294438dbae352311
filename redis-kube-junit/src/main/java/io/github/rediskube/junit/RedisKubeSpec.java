package io.github.rediskube.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method of a {@link RedisKubeTest} class that returns the
 * {@code RedisReplicationSpec.Builder} to deploy, instead of the annotation's attributes. The
 * extension sets the namespace.
 *
 * <pre>{@code
 * @RedisKubeSpec
 * static RedisReplicationSpec.Builder spec() {
 *     return RedisKube.replication("orders").storage("1Gi");
 * }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RedisKubeSpec {
}
