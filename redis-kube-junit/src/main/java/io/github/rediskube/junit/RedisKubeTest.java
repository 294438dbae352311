package io.github.rediskube.junit;

import io.github.rediskube.core.spec.Mode;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a fresh, ephemeral Redis master/replica deployment in a namespace of its own, and
 * injects it: parameters of type {@code RedisDeployment}, {@code RedisReplicationSpec},
 * {@code KubernetesClient} and {@code StatefulRedisMasterReplicaConnection<String, String>} (a split
 * connection through port-forwards). Everything created is deleted after the class (or each method),
 * also when tests fail; {@code -Drediskube.keep=true} keeps it and prints how to reach it.
 *
 * <pre>{@code
 * @RedisKubeTest(replicas = 2)
 * class CartServiceTest {
 *     @Test
 *     void storesCarts(StatefulRedisMasterReplicaConnection<String, String> redis) {
 *         redis.sync().set("cart:1", "apples");
 *     }
 * }
 * }</pre>
 *
 * <p>The cluster comes from {@link RedisKubeCluster} on a static field or method of the class when
 * there is one, else from {@link KubernetesClusters#find()}; without any, the tests are skipped with a
 * message that says what to provide. A static method annotated {@link RedisKubeSpec} may shape the spec.
 *
 * <p>{@code @Nested} classes share the enclosing class's cluster and settings, and its deployment when
 * per class (with {@code PER_METHOD} each of their methods gets its own); a nested class annotated
 * {@code @RedisKubeTest} itself gets a deployment of its own. Kept ({@code -Drediskube.keep=true}) on a
 * K3s container started for the run, a deployment lasts only until the JVM ends: the container goes then.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisKubeExtension.class)
public @interface RedisKubeTest {

    /** @return the deployment's name */
    String name() default "redis";

    /** @return replica pods */
    int replicas() default 2;

    /** @return memory limit of every Redis pod */
    String memoryLimit() default "256Mi";

    /** @return cache (default) or storage */
    Mode mode() default Mode.CACHE;

    /** @return one deployment for the class, or a fresh one per test method */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** @return whether to wait until every pod is ready before the tests run */
    boolean awaitReady() default true;

    /** @return how long to wait for readiness */
    int readyTimeoutSeconds() default 240;

    /** When a deployment is made and burned. */
    enum Lifecycle {
        /** Deployed before the first test of the class, deleted after the last. */
        PER_CLASS,
        /** Deployed before each test method, deleted after it. */
        PER_METHOD
    }
}
