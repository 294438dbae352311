package io.github.rediskube.core.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The spec grows by parts, not by one long list: settings are grouped in records that validate themselves, so no
 * constructor, factory or check of the spec takes a long parameter list (the 21-component record, its
 * compatibility constructor and the 20-argument validate of before).
 */
class SpecShapeTest {

    /** The most parameters a code unit of the spec takes: {@code SentinelSpec}'s eight components. */
    private static final int MOST_PARAMETERS = 8;

    private static final JavaClasses SPEC = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.rediskube.core.spec");

    @Test
    void noCodeUnitOfTheSpecTakesALongParameterList() {
        codeUnits().that().areDeclaredInClassesThat().resideInAPackage("io.github.rediskube.core.spec..")
                .should(new ArchCondition<JavaCodeUnit>("take at most " + MOST_PARAMETERS + " parameters") {
                    @Override
                    public void check(JavaCodeUnit unit, ConditionEvents events) {
                        int count = unit.getRawParameterTypes().size();
                        events.add(new SimpleConditionEvent(unit, count <= MOST_PARAMETERS,
                                unit.getFullName() + " takes " + count + " parameters"));
                    }
                })
                .because("a setting belongs to a part (a record with its own check), not to a list every setting"
                        + " widens; see RedisReplicationSpec's Javadoc, 'Adding a setting'")
                .check(SPEC);
    }
}
