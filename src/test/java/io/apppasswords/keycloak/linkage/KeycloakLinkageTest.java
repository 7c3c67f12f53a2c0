package io.apppasswords.keycloak.linkage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one JAR links on every Keycloak line the README promises. The build copies each line's SPI jars into
 * {@code target/keycloak-api/<version>} (pom: {@code keycloak.api.versions}); the integration tests then
 * run the JAR on the lines whose distribution CI can download.
 */
class KeycloakLinkageTest {

    private static final Path API_JARS = Path.of(System.getProperty("keycloak.api.dir", "target/keycloak-api"));
    private static final Path OUR_CLASSES = Path.of(System.getProperty("classes.dir", "target/classes"));

    static List<String> supportedVersions() {
        String versions = System.getProperty("keycloak.api.versions");
        assertTrue(versions != null && !versions.isBlank(), "the pom passes keycloak.api.versions");
        return Arrays.stream(versions.split(",")).map(String::strip).toList();
    }

    @ParameterizedTest(name = "Keycloak {0}")
    @MethodSource("supportedVersions")
    void everyKeycloakReferenceResolves(String version) throws IOException {
        Path jars = API_JARS.resolve(version);
        assertTrue(Files.isDirectory(jars), "no Keycloak API jars for " + version + " in " + jars);
        Set<String> problems = KeycloakLinkage.problems(OUR_CLASSES, jars);
        assertEquals(Set.of(), problems, "would fail to link on Keycloak " + version);
    }

    // The checks themselves, on class files written here: each must catch what the JVM would refuse.

    private static final String PROTECTOR = "org/keycloak/services/managers/BruteForceProtector";
    /** failedLogin as of Keycloak 26.7: the category set did not exist on 26.4. */
    private static final String FAILED_LOGIN_26_7 = "(Lorg/keycloak/models/RealmModel;Lorg/keycloak/models/UserModel;"
            + "Lorg/keycloak/common/ClientConnection;Ljakarta/ws/rs/core/UriInfo;Ljava/util/Set;)V";

    @Test
    void aMethodWhoseSignatureChangedIsFound(@TempDir Path dir) throws IOException {
        writeClass(dir, "probe/CallsProtector", Opcodes.ACC_PUBLIC, new String[0], cw -> {
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_STATIC, "call", "(L" + PROTECTOR + ";)V", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            for (int i = 0; i < 5; i++) {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, PROTECTOR, "failedLogin", FAILED_LOGIN_26_7, true);
            mv.visitInsn(Opcodes.RETURN);
            mv.visitMaxs(6, 1);
            mv.visitEnd();
        });
        String oldest = supportedVersions().get(0);
        assertEquals(Set.of("probe.CallsProtector.call: missing method " + PROTECTOR.replace('/', '.')
                        + ".failedLogin" + FAILED_LOGIN_26_7),
                KeycloakLinkage.problems(dir, API_JARS.resolve(oldest)));
        String newest = supportedVersions().get(supportedVersions().size() - 1);
        assertEquals(Set.of(), KeycloakLinkage.problems(dir, API_JARS.resolve(newest)));
    }

    @Test
    void anUnimplementedAbstractMethodAndAMissingClassAreFound(@TempDir Path dir) throws IOException {
        writeClass(dir, "probe/HalfProvider", Opcodes.ACC_PUBLIC, new String[]{"org/keycloak/provider/Provider"},
                cw -> cw.visitField(Opcodes.ACC_PRIVATE, "gone", "Lorg/keycloak/NoSuchType;", null, null).visitEnd());
        assertEquals(Set.of("probe.HalfProvider: does not implement org.keycloak.provider.Provider.close()V",
                        "probe.HalfProvider: missing class org.keycloak.NoSuchType"),
                KeycloakLinkage.problems(dir, API_JARS.resolve(supportedVersions().get(0))));
    }

    private interface Body {
        void write(ClassWriter cw);
    }

    private static void writeClass(Path root, String name, int access, String[] interfaces, Body body)
            throws IOException {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, access | Opcodes.ACC_SUPER, name, null, "java/lang/Object", interfaces);
        body.write(cw);
        cw.visitEnd();
        Path file = root.resolve(name + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, cw.toByteArray());
    }
}
