package io.github.rediskube.junit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** The extension behind {@link RedisKubeTest}; see there. */
public final class RedisKubeExtension implements ExecutionCondition, BeforeAllCallback, AfterAllCallback,
        BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(RedisKubeExtension.class);
    private static final String CLUSTER = "cluster";
    private static final String DEPLOYMENT = "deployment";

    /** Creates the extension (JUnit does, through {@link RedisKubeTest}). */
    public RedisKubeExtension() {
    }

    /**
     * Finds the cluster once per class, before anything runs: without one the class is reported skipped
     * (with what to provide), as Testcontainers' {@code disabledWithoutDocker} does, not as zero tests.
     * A {@code @Nested} class uses its enclosing class's cluster.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent() || hasSuppliedClient(context.getRequiredTestClass())
                || inherited(context)) {
            return ConditionEvaluationResult.enabled("the cluster is the test's own or already found");
        }
        Optional<KubernetesClusters.Cluster> cluster = KubernetesClusters.find();
        if (cluster.isEmpty()) {
            if (KubernetesClusters.required()) {
                throw new ExtensionConfigurationException("redis-kube tests cannot run: "
                        + KubernetesClusters.HOW_TO_PROVIDE + " (a cluster is required here: -D"
                        + KubernetesClusters.REQUIRE_CLUSTER_PROPERTY + "=true or " + KubernetesClusters.REQUIRE_CLUSTER_ENV
                        + "=true)");
            }
            return ConditionEvaluationResult.disabled("redis-kube tests skipped: " + KubernetesClusters.HOW_TO_PROVIDE);
        }
        context.getStore(STORE).put(CLUSTER, cluster.get());   // closed after the class
        return ConditionEvaluationResult.enabled("cluster found: " + cluster.get());
    }

    /**
     * Sets up a class: its client, and its deployment when per class. A {@code @Nested} class uses its
     * enclosing class's client and deployment (found through the parent stores) unless it carries a
     * {@code @RedisKubeTest} of its own, which gives it its own deployment.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        RedisKubeTest settings = settings(context);
        boolean inherited = inherited(context);
        KubernetesClient client;
        if (inherited) {
            client = context.getStore(STORE).get(KubernetesClient.class, ClientHolder.class).client();
        } else {
            client = suppliedClient(context.getRequiredTestClass()).orElseGet(() ->
                    context.getStore(STORE).get(CLUSTER, KubernetesClusters.Cluster.class).client());
            context.getStore(STORE).put(KubernetesClient.class, new ClientHolder(client));   // not closed: not ours
        }
        boolean ownSettings = !inherited
                || AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RedisKubeTest.class).isPresent();
        if (ownSettings && settings.lifecycle() == RedisKubeTest.Lifecycle.PER_CLASS) {
            context.getStore(STORE).put(DEPLOYMENT, deploy(context, client, settings));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        RedisKubeTest settings = settings(context);
        if (settings.lifecycle() == RedisKubeTest.Lifecycle.PER_METHOD) {
            KubernetesClient client = context.getStore(STORE).get(KubernetesClient.class, ClientHolder.class).client();
            context.getStore(STORE).put(DEPLOYMENT, deploy(context, client, settings));
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (settings(context).lifecycle() == RedisKubeTest.Lifecycle.PER_METHOD) {
            close(context, DEPLOYMENT);
        }
    }

    /** Closes what this class opened (a store's remove touches this context only, not the enclosing ones). */
    @Override
    public void afterAll(ExtensionContext context) {
        try {
            close(context, DEPLOYMENT);
        } finally {
            KubernetesClusters.Cluster cluster = context.getStore(STORE).get(CLUSTER, KubernetesClusters.Cluster.class);
            if (cluster != null && Boolean.getBoolean(EphemeralDeployment.KEEP_PROPERTY)) {
                cluster.keepUntilExit().ifPresent(note -> System.out.println("redis-kube: " + note));
            }
            close(context, CLUSTER);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == RedisDeployment.class || type == RedisReplicationSpec.class || type == KubernetesClient.class
                || type == StatefulRedisMasterReplicaConnection.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KubernetesClient.class) {
            return context.getStore(STORE).get(KubernetesClient.class, ClientHolder.class).client();
        }
        EphemeralDeployment deployment = context.getStore(STORE).get(DEPLOYMENT, EphemeralDeployment.class);
        if (deployment == null) {
            throw new ParameterResolutionException("no redis-kube deployment here: with Lifecycle.PER_METHOD it"
                    + " exists only in test methods, not in @BeforeAll/@AfterAll");
        }
        if (type == RedisDeployment.class) {
            return deployment.deployment();
        }
        if (type == RedisReplicationSpec.class) {
            return deployment.spec();
        }
        return deployment.connection();
    }

    /** Holds the client in the store without JUnit closing it (a client supplied by the test is the test's). */
    private record ClientHolder(KubernetesClient client) {
    }

    /** The nearest {@code @RedisKubeTest}: on the test class (or a superclass), else on an enclosing class. */
    private static RedisKubeTest settings(ExtensionContext context) {
        return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RedisKubeTest.class,
                        context.getEnclosingTestClasses())
                .orElseThrow(() -> new ExtensionConfigurationException("RedisKubeExtension needs @RedisKubeTest on "
                        + context.getRequiredTestClass().getName() + " or a class enclosing it"));
    }

    /** @return whether an enclosing class (a parent context) has set up the client already */
    private static boolean inherited(ExtensionContext context) {
        return context.getParent().map(parent -> parent.getStore(STORE).get(KubernetesClient.class) != null)
                .orElse(false);
    }

    private static EphemeralDeployment deploy(ExtensionContext context, KubernetesClient client,
                                              RedisKubeTest settings) {
        RedisReplicationSpec spec = specBuilder(context.getRequiredTestClass(), settings)
                .namespace(namespaceFor(context)).build();
        DeployOptions options = DeployOptions.DEFAULT.withStrategy(DeployOptions.ApplyStrategy.valueOf(
                System.getProperty("rediskube.applyStrategy", DeployOptions.ApplyStrategy.SERVER_SIDE_APPLY.name())));
        return EphemeralDeployment.start(client, spec, options,
                settings.awaitReady() ? Duration.ofSeconds(settings.readyTimeoutSeconds()) : null);
    }

    private static RedisReplicationSpec.Builder specBuilder(Class<?> testClass, RedisKubeTest settings) {
        for (Method method : AnnotationSupport.findAnnotatedMethods(testClass, RedisKubeSpec.class,
                org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN)) {
            Object value = invokeStatic(method);
            if (value instanceof RedisReplicationSpec.Builder builder) {
                return builder;
            }
            if (value instanceof RedisReplicationSpec spec) {
                return spec.toBuilder();
            }
            throw new ExtensionConfigurationException("@RedisKubeSpec method " + method + " must return a"
                    + " RedisReplicationSpec.Builder or RedisReplicationSpec, returned " + value);
        }
        RedisReplicationSpec.Builder builder = RedisKube.replication(settings.name())
                .replicas(settings.replicas())
                .resources(n -> n.memoryLimit(settings.memoryLimit()));
        return settings.mode() == Mode.STORAGE ? builder.storage(s -> { }) : builder;
    }

    /** A namespace of the test's own: {@code rk-<class or method>-<random>}, a valid DNS label. */
    static String namespaceFor(ExtensionContext context) {
        String base = context.getTestMethod().map(Method::getName)
                .orElse(context.getRequiredTestClass().getSimpleName());
        String cleaned = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        String prefix = "rk-" + (cleaned.isEmpty() ? "test" : cleaned);
        if (prefix.length() > 56) {
            prefix = prefix.substring(0, 56).replaceAll("-+$", "");
        }
        return prefix + "-" + suffix;
    }

    private static Optional<KubernetesClient> suppliedClient(Class<?> testClass) {
        for (Field field : AnnotationSupport.findAnnotatedFields(testClass, RedisKubeCluster.class)) {
            requireStatic(field.getModifiers(), field.toString());
            try {
                field.setAccessible(true);
                return Optional.of((KubernetesClient) field.get(null));
            } catch (IllegalAccessException | ClassCastException e) {
                throw new ExtensionConfigurationException("@RedisKubeCluster field " + field
                        + " must be a static KubernetesClient", e);
            }
        }
        for (Method method : AnnotationSupport.findAnnotatedMethods(testClass, RedisKubeCluster.class,
                org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN)) {
            Object value = invokeStatic(method);
            if (!(value instanceof KubernetesClient client)) {
                throw new ExtensionConfigurationException("@RedisKubeCluster method " + method
                        + " must return a KubernetesClient, returned " + value);
            }
            return Optional.of(client);
        }
        return Optional.empty();
    }

    private static boolean hasSuppliedClient(Class<?> testClass) {
        return !AnnotationSupport.findAnnotatedFields(testClass, RedisKubeCluster.class).isEmpty()
                || !AnnotationSupport.findAnnotatedMethods(testClass, RedisKubeCluster.class,
                org.junit.platform.commons.support.HierarchyTraversalMode.TOP_DOWN).isEmpty();
    }

    private static Object invokeStatic(Method method) {
        requireStatic(method.getModifiers(), method.toString());
        try {
            method.setAccessible(true);
            return method.invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new ExtensionConfigurationException("calling " + method + " failed", e);
        }
    }

    private static void requireStatic(int modifiers, String member) {
        if (!Modifier.isStatic(modifiers)) {
            throw new ExtensionConfigurationException(member + " must be static: the extension reads it before"
                    + " any test instance exists");
        }
    }

    private static void close(ExtensionContext context, String key) {
        AutoCloseable resource = context.getStore(STORE).remove(key, AutoCloseable.class);
        if (resource != null) {
            try {
                resource.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + key + " failed", e);
            }
        }
    }
}
