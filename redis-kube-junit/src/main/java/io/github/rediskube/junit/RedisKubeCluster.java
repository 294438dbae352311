package io.github.rediskube.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static field or no-argument static method of a {@link RedisKubeTest} class that supplies the
 * {@code KubernetesClient} to deploy with (your own cluster, or fabric8's mock server). The extension
 * uses it as given and does not close it.
 */
@Target({ElementType.FIELD, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RedisKubeCluster {
}
