using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Fdt.Api.Security;

/// <summary>
/// The API's key material, created on first start in the key directory (readable by the owner
/// only): an HMAC key that signs people's access tokens, and an ECDSA P-256 key pair that signs
/// agent tokens, whose public half the edge uses to verify agents without calling the API.
/// </summary>
public sealed class ApiKeys : IDisposable
{
    private readonly ECDsa _agentKey;

    private ApiKeys(byte[] accessKey, ECDsa agentKey, byte[] certificateStoreKey)
    {
        CertificateStoreKey = certificateStoreKey;
        _agentKey = agentKey;
        AccessTokenKey = new SymmetricSecurityKey(accessKey) { KeyId = "access-1" };
        AgentTokenSigningKey = new ECDsaSecurityKey(agentKey) { KeyId = "agent-1" };
        var publicKey = ECDsa.Create(agentKey.ExportParameters(includePrivateParameters: false));
        AgentTokenValidationKey = new ECDsaSecurityKey(publicKey) { KeyId = "agent-1" };
    }

    public SecurityKey AccessTokenKey { get; }

    /// <summary>AES-256 key that encrypts uploaded certificates' private keys at rest.</summary>
    internal byte[] CertificateStoreKey { get; }

    public SecurityKey AgentTokenSigningKey { get; }

    /// <summary>The public key the edge verifies agent tokens with.</summary>
    public SecurityKey AgentTokenValidationKey { get; }

    public static ApiKeys LoadOrCreate(string directory, ILogger logger)
    {
        Directory.CreateDirectory(directory);
        var accessPath = Path.Combine(directory, "access-token.key");
        var agentPath = Path.Combine(directory, "agent-token-key.pem");
        if (!File.Exists(accessPath))
        {
            SecretFile.Write(accessPath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            logger.LogInformation("Created the access-token signing key in {Directory}", directory);
        }

        if (!File.Exists(agentPath))
        {
            using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            SecretFile.Write(agentPath, created.ExportPkcs8PrivateKeyPem());
            logger.LogInformation("Created the agent-token signing key in {Directory}", directory);
        }

        var certificateStorePath = Path.Combine(directory, "certificate-store.key");
        if (!File.Exists(certificateStorePath))
        {
            SecretFile.Write(certificateStorePath, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            logger.LogInformation("Created the certificate-store key in {Directory}", directory);
        }

        var agentKey = ECDsa.Create();
        agentKey.ImportFromPem(File.ReadAllText(agentPath));
        return new ApiKeys(Convert.FromBase64String(File.ReadAllText(accessPath).Trim()), agentKey, Convert.FromBase64String(File.ReadAllText(certificateStorePath).Trim()));
    }

    /// <summary>Keys that live in memory only (tests).</summary>
    public static ApiKeys CreateEphemeral() => new(RandomNumberGenerator.GetBytes(32), ECDsa.Create(ECCurve.NamedCurves.nistP256), RandomNumberGenerator.GetBytes(32));

    public void Dispose() => _agentKey.Dispose();
}
