package io.github.rediskube.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guards behind every validation message. */
class ChecksTest {

    @Test
    void requireRecordsOnlyFailuresAndFormatsFieldRuleValueAndFix() {
        Checks checks = new Checks();

        assertThat(checks.require(true, "a", 1, "ok", "none")).isTrue();
        assertThat(checks.require(false, "replicas", -1, "must be positive", "set replicas(2)")).isFalse();

        assertThat(checks.problems()).containsExactly("replicas must be positive, was -1: set replicas(2)");
    }

    @Test
    void throwIfAnyIsSilentWithoutProblemsAndListsAllOtherwise() {
        Checks none = new Checks();
        assertThatCode(() -> none.throwIfAny("thing")).doesNotThrowAnyException();

        Checks one = new Checks();
        one.fail("x is bad");
        assertThatThrownBy(() -> one.throwIfAny("thing")).hasMessage("Invalid thing: x is bad");

        Checks two = new Checks();
        two.fail("x is bad");
        two.require(false, "y", "v", "is bad", "fix y");
        assertThatThrownBy(() -> two.throwIfAny("thing"))
                .hasMessage("Invalid thing, 2 problems:\n  - x is bad\n  - y is bad, was \"v\": fix y");
    }

    @Test
    void valuesAreShownQuotedWhenTextAndPlainOtherwise() {
        assertThat(Checks.show(null)).isEqualTo("null");
        assertThat(Checks.show("a")).isEqualTo("\"a\"");
        assertThat(Checks.show(3)).isEqualTo("3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "4096M", "1Gi", "500m", "0.5", "1e3", "+2Ki", ".5"})
    void kubernetesQuantitiesAreAccepted(String quantity) {
        assertThat(Quantities.isQuantity(quantity)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Gi", "1 Gi", "1GB", "one", "1.2.3", "1Gii", "-"})
    void nonQuantitiesAreRefused(String text) {
        assertThat(Quantities.isQuantity(text)).isFalse();
        assertThatThrownBy(() -> Quantities.amount(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quantitiesConvertToBaseUnits() {
        assertThat(Quantities.amount("4096M")).isEqualByComparingTo(new BigDecimal("4096000000"));
        assertThat(Quantities.amount("1Gi")).isEqualByComparingTo(new BigDecimal("1073741824"));
        assertThat(Quantities.amount("500m")).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(Quantities.isPositive("0")).isFalse();
        assertThat(Quantities.isPositive("-1")).isFalse();
        assertThat(Quantities.isPositive(null)).isFalse();
    }

    @Test
    void nullArgumentsAreRefusedNamingTheParameterAndOthersPassThrough() {
        assertThat(Checks.requireArgument("x", "label key", "fix")).isEqualTo("x");
        assertThatThrownBy(() -> Checks.requireArgument(null, "label key", "use e.g. label(\"team\", \"a\")"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("label key is required, was null: use e.g. label(\"team\", \"a\")");
        java.util.Map<String, String> nullKey = new java.util.HashMap<>();
        nullKey.put(null, "v");
        assertThatThrownBy(() -> Checks.requireKeys(nullKey, "labels", "fix")).hasMessageStartingWith(
                "labels key is required");
        assertThatThrownBy(() -> Checks.requireElements(java.util.Arrays.asList("a", null), "cidrs", "fix"))
                .hasMessageStartingWith("cidrs[1] is required");
    }

    @Test
    void quantityBoundsIncludeBothEndsAndNothingBeyond() {
        Checks checks = new Checks();
        assertThat(QuantityBounds.POD_MEMORY.check(checks, "m", "8Mi", "fix")).isTrue();
        assertThat(QuantityBounds.POD_MEMORY.check(checks, "m", "64Ti", "fix")).isTrue();
        assertThat(QuantityBounds.POD_MEMORY.check(checks, "m", null, "fix")).isFalse();
        assertThat(checks.problems()).isEmpty();

        assertThat(QuantityBounds.POD_MEMORY.check(checks, "m", "8388607", "fix")).isFalse();
        assertThat(QuantityBounds.POD_MEMORY.check(checks, "m", "70368744177665", "fix")).isFalse();
        assertThat(QuantityBounds.POD_MEMORY.checkRequired(checks, "m", null, "fix")).isFalse();
        assertThat(checks.problems()).containsExactly(
                "m must be at least 8Mi (Redis itself needs a few MiB), was \"8388607\": fix",
                "m must be at most 64Ti (more memory than any node has), was \"70368744177665\": fix",
                "m is required, was null: fix");
    }

    @Test
    void configValuesSplitAsRedisSplitsAConfigLine() {
        assertThat(ConfigValues.tokens("20")).containsExactly("20");
        assertThat(ConfigValues.tokens("  a   b ")).containsExactly("a", "b");
        assertThat(ConfigValues.tokens("\"a b\" 'c d'")).containsExactly("a b", "c d");
        assertThat(ConfigValues.tokens("\"a\\\"b\"")).containsExactly("a\"b");
        assertThat(ConfigValues.tokens("\"\"")).containsExactly("");
        assertThat(ConfigValues.tokens("\"20")).isNull();
        assertThat(ConfigValues.tokens("'20")).isNull();
        assertThat(ConfigValues.tokens("\"20\"x")).isNull();
    }

    @Test
    void imageReferencesFollowTheDockerGrammar() {
        assertThat(ImageReferences.problem("registry:5000/team/redis:7.2")).isNull();
        assertThat(ImageReferences.problem("redis@sha512:" + "0".repeat(128))).isNull();
        assertThat(ImageReferences.problem("redis@sha256:" + "0".repeat(63))).contains("digest");
        assertThat(ImageReferences.problem("redis@sha256:" + "A".repeat(64))).contains("lower-case hex");
        assertThat(ImageReferences.problem("team/Redis:7")).contains("lower-case repository path");
        assertThat(ImageReferences.problem("redis:-7")).contains("image reference");
        assertThat(ImageReferences.problem("redis/")).contains("image reference");
        assertThat(ImageReferences.problem("a".repeat(256))).contains("at most 255");
    }

    @Test
    void dnsNamesFollowKubernetesRules() {
        assertThat(Names.isDnsLabel("tenant-a")).isTrue();
        assertThat(Names.isDnsLabel("1tenant")).isTrue();
        assertThat(Names.isDnsLabel("a".repeat(64))).isFalse();
        assertThat(Names.isDnsLabel("-a")).isFalse();
        assertThat(Names.isDnsLabel(null)).isFalse();
        assertThat(Names.isDns1035Label("1tenant")).isFalse();
        assertThat(Names.isDns1035Label("orders")).isTrue();
        assertThat(Names.isDnsSubdomain("cluster.local")).isTrue();
        assertThat(Names.isDnsSubdomain("cluster..local")).isFalse();
        assertThat(Names.isDnsSubdomain("")).isFalse();
        assertThat(Names.isDnsSubdomain("a".repeat(254))).isFalse();
    }

    @Test
    void labelKeysAndValuesFollowKubernetesRules() {
        assertThat(Names.isQualifiedKey("team")).isTrue();
        assertThat(Names.isQualifiedKey("example.com/team")).isTrue();
        assertThat(Names.isQualifiedKey("Example_Com/team")).isFalse();
        assertThat(Names.isQualifiedKey("example.com/" + "a".repeat(64))).isFalse();
        assertThat(Names.isQualifiedKey("team-")).isFalse();
        assertThat(Names.isQualifiedKey(null)).isFalse();
        assertThat(Names.isLabelValue("")).isTrue();
        assertThat(Names.isLabelValue("v1.2_x")).isTrue();
        assertThat(Names.isLabelValue("a b")).isFalse();
        assertThat(Names.isLabelValue("a".repeat(64))).isFalse();
        assertThat(Names.isLabelValue(null)).isFalse();
    }

    @Test
    void cidrBlocksAreCheckedForBothAddressFamilies() {
        Checks checks = new Checks();
        NetworkAccess.clientsOnly().withCidrs("10.0.0.0/8", "fd00::/8", "0.0.0.0/0").check(checks);
        assertThat(checks.problems()).isEmpty();

        NetworkAccess.clientsOnly().withCidrs("10.0.0.0", "10.0.0.0/33", "256.0.0.0/8", "fd00::/129", "x/1")
                .check(checks);
        assertThat(checks.problems()).hasSize(5);
    }
}
