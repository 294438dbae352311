package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Every public builder method, factory and record constructor of the spec, probed with {@code null} in each
 * reference parameter (one at a time, valid samples elsewhere), then built: nothing ends in a raw
 * {@link NullPointerException}. A null is either accepted (documented defaults) or refused with an
 * {@link IllegalArgumentException} that names the parameter.
 */
class NullArgumentsTest {

    private static final PasswordGenerator FIXED = PasswordGenerator.fixed("0123456789abcdefABCDEF");

    /** The word a refusal must hold where the method's name does not name its parameter. */
    private static final Map<String, String> NAMED = Map.of("replication", "name", "builder", "name",
            "tenant", "namespace", "withNamespaces", "namespaces", "withCidrs", "cidrs", "withReference", "image",
            "withSize", "size", "equal", "tolerations[0]", "exists", "tolerations[0]", "fromSecret", "auth.secret");

    /** Value types, each with how a probed value ends in a built spec (through the builder, the only way in). */
    private static final Map<Class<?>, Function<Object, Object>> PLUG = Map.of(
            Toleration.class, v -> builder().toleration((Toleration) v).build(),
            Image.class, v -> builder().image((Image) v).build(),
            Exposure.class, v -> builder().exposure((Exposure) v).build(),
            Auth.class, v -> builder().auth((Auth) v).build(),
            NetworkAccess.class, v -> builder().networkAccess((NetworkAccess) v).build(),
            Scheduling.class, v -> scheduled((Scheduling) v),
            NodeResources.class, v -> builder().master(n -> n.cpuRequest(((NodeResources) v).cpuRequest())
                    .cpuLimit(((NodeResources) v).cpuLimit()).memoryRequest(((NodeResources) v).memoryRequest())
                    .memoryLimit(((NodeResources) v).memoryLimit())).build(),
            Storage.class, v -> builder().storage(s -> s.size(((Storage) v).size())
                    .storageClass(((Storage) v).storageClass()).accessMode(((Storage) v).accessMode())
                    .deleteVolumesOnDelete(((Storage) v).deleteVolumesOnDelete())).build(),
            SentinelSpec.class, v -> builder().sentinel((SentinelSpec) v).build(),
            Metrics.class, v -> builder().metrics((Metrics) v).build());

    @Test
    void noNullArgumentEndsInANullPointerException() throws Exception {
        List<String> failures = new ArrayList<>();
        int probes = 0;
        for (Method m : RedisReplicationSpec.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> build(invoke(m, builder(), args)));
        }
        for (Method m : NodeResources.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> builder().master(n -> invoke(m, n, args)).build());
        }
        for (Method m : Storage.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> builder().storage(s -> invoke(m, s, args)).build());
        }
        for (Method m : SentinelSpec.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> builder().sentinel(s -> invoke(m, s, args)).build());
        }
        for (Method m : Metrics.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> builder().metrics(b -> invoke(m, b, args)).build());
        }
        for (Method m : Placement.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> builder().placement(b -> invoke(m, b, args)).build());
        }
        for (Method m : TenantSpec.Builder.class.getDeclaredMethods()) {
            probes += probe(failures, m, m.getName(), args -> build(invoke(m, TenantSpec.builder("tenant-a"), args)));
        }
        for (Method m : RedisKube.class.getDeclaredMethods()) {
            if (m.getReturnType().getName().endsWith("Builder")) {
                probes += probe(failures, m, m.getName(), args -> build(invoke(m, null, args)));
            }
        }
        for (Map.Entry<Class<?>, Function<Object, Object>> type : PLUG.entrySet()) {
            probes += probeValueType(failures, type.getKey(), type.getValue());
        }
        Constructor<?> tenant = canonical(TenantSpec.class);
        probes += probe(failures, tenant, null, args -> newInstance(tenant, args));

        assertThat(probes).as("probes made (95 when the spec became a class: its record constructor had 18)")
                .isGreaterThan(90);
        assertThat(failures).as("null arguments that end badly").isEmpty();
    }

    private static int probeValueType(List<String> failures, Class<?> type, Function<Object, Object> plug) {
        int probes = 0;
        for (Constructor<?> c : type.getConstructors()) {
            probes += probe(failures, c, null, args -> plug.apply(newInstance(c, args)));
        }
        for (Method m : type.getMethods()) {
            if (m.getReturnType() == type && m.getDeclaringClass() == type) {
                Object target = Modifier.isStatic(m.getModifiers()) ? null : sample(type);
                probes += probe(failures, m, m.getName(), args -> plug.apply(invoke(m, target, args)));
            }
        }
        return probes;
    }

    /**
     * Calls {@code run} once with samples (the baseline) and once per reference parameter with {@code null}
     * there; records a failure for a NullPointerException, another exception type, or a new refusal that does
     * not name the parameter.
     *
     * @return the number of null probes made
     */
    private static int probe(List<String> failures, Executable executable, String word,
                             Function<Object[], Object> run) {
        if (!Modifier.isPublic(executable.getModifiers())) {
            return 0;
        }
        Class<?>[] types = executable.getParameterTypes();
        Object[] samples = Arrays.stream(types).map(NullArgumentsTest::sample).toArray();
        String baseline = refusal(run, samples.clone());
        int probes = 0;
        for (int i = 0; i < types.length; i++) {
            if (types[i].isPrimitive() || types[i] == Integer.class) {
                continue;   // primitives cannot be null; Integer parameters are nullable by design (no cap, any port)
            }
            String expected = word != null ? NAMED.getOrDefault(word, word) : componentName(executable, i);
            List<Object[]> nulls = new ArrayList<>();
            Object[] args = samples.clone();
            args[i] = null;
            nulls.add(args);
            if (types[i] == String[].class) {
                Object[] element = samples.clone();
                element[i] = new String[] {"regcred", null};
                nulls.add(element);
            }
            for (Object[] probe : nulls) {
                probes++;
                String shown = executable.getDeclaringClass().getSimpleName() + "." + executable.getName()
                        + Arrays.deepToString(probe);
                try {
                    List<String> added = new ArrayList<>(problems(refusal(run, probe)));
                    added.removeAll(problems(baseline));   // problems of the samples elsewhere are not the null's
                    added.stream().filter(p -> !p.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(Locale.ROOT)))
                            .forEach(p -> failures.add(shown + ": refusal does not name " + expected + ": " + p));
                } catch (RuntimeException e) {
                    failures.add(shown + ": " + e);
                }
            }
        }
        return probes;
    }

    /** @return the IllegalArgumentException's message, or {@code null} when accepted; anything else is thrown */
    private static String refusal(Function<Object[], Object> run, Object[] args) {
        try {
            run.apply(args);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** @return the problems of a refusal, one by one ({@link Checks#throwIfAny} lists several as "  - .."). */
    private static List<String> problems(String refusal) {
        if (refusal == null) {
            return List.of();
        }
        String[] lines = refusal.split("\n  - ");
        if (lines.length > 1) {
            return Arrays.asList(lines).subList(1, lines.length);
        }
        int colon = refusal.startsWith("Invalid ") ? refusal.indexOf(": ") : -1;
        return List.of(colon < 0 ? refusal : refusal.substring(colon + 2));
    }

    private static String componentName(Executable executable, int index) {
        RecordComponent[] components = executable.getDeclaringClass().getRecordComponents();
        return components != null && components.length == executable.getParameterCount()
                ? components[index].getName() : executable.getName();
    }

    private static RedisReplicationSpec.Builder builder() {
        return RedisKube.replication("orders").passwordGenerator(FIXED);
    }

    private static Object build(Object builder) {
        if (builder instanceof RedisReplicationSpec.Builder b) {
            return b.build();
        }
        return builder instanceof TenantSpec.Builder t ? t.build() : builder;
    }

    /** A valid spec with the scheduling's node selector, tolerations and spreading set one by one. */
    private static RedisReplicationSpec scheduled(Scheduling scheduling) {
        RedisReplicationSpec.Builder builder = builder().spreadOverNodes(scheduling.spreadOverNodes());
        scheduling.nodeSelector().forEach(builder::nodeSelector);
        scheduling.tolerations().forEach(builder::toleration);
        return builder.build();
    }

    private static Constructor<?> canonical(Class<?> record) {
        Class<?>[] types = Arrays.stream(record.getRecordComponents()).map(RecordComponent::getType)
                .toArray(Class<?>[]::new);
        try {
            return record.getConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static Object sample(Class<?> type) {
        if (type == String.class) {
            return "x";
        }
        if (type == String[].class) {
            return new String[] {"regcred"};
        }
        if (type == int.class) {
            return 1;
        }
        if (type == long.class) {
            return 999L;
        }
        if (type == double.class) {
            return 0.5;
        }
        if (type == boolean.class) {
            return true;
        }
        Map<Class<?>, Object> values = Map.ofEntries(Map.entry(Duration.class, Duration.ofSeconds(5)),
                Map.entry(Map.class, Map.of()), Map.entry(List.class, List.of()),
                Map.entry(Consumer.class, (Consumer<Object>) x -> { }), Map.entry(Mode.class, Mode.CACHE),
                Map.entry(Exposure.Type.class, Exposure.Type.CLUSTER_IP), Map.entry(Auth.Kind.class, Auth.Kind.GENERATED),
                Map.entry(Image.class, Image.DEFAULT), Map.entry(Exposure.class, Exposure.clusterIp()),
                Map.entry(Auth.class, Auth.generated()), Map.entry(NetworkAccess.class, NetworkAccess.clientsOnly()),
                Map.entry(Scheduling.class, Scheduling.DEFAULT), Map.entry(NodeResources.class, NodeResources.DEFAULT),
                Map.entry(Storage.class, Storage.DEFAULT), Map.entry(SentinelSpec.class, SentinelSpec.DEFAULT),
                Map.entry(Metrics.class, Metrics.DEFAULT), Map.entry(Placement.class, Placement.DEFAULT),
                Map.entry(Placement.WhenUnsatisfiable.class, Placement.WhenUnsatisfiable.SCHEDULE_ANYWAY),
                Map.entry(Toleration.class, Toleration.exists("dedicated", null)),
                Map.entry(PasswordGenerator.class, FIXED));
        if (type == Integer.class) {
            return null;
        }
        if (!values.containsKey(type)) {
            throw new AssertionError("no sample for " + type + ": add one");
        }
        return values.get(type);
    }

    private static Object invoke(Method method, Object target, Object[] args) {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    private static Object newInstance(Constructor<?> constructor, Object[] args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
            return runtime;
        }
        throw new AssertionError(e.getCause());
    }
}
