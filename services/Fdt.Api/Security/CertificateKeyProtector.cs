using System.Security.Cryptography;
using System.Text;

namespace Fdt.Api.Security;

/// <summary>
/// Encrypts uploaded certificates' private keys at rest: AES-256-GCM with the key in the API's key
/// directory (<c>certificate-store.key</c>), bound to the domain it belongs to (associated data),
/// so a ciphertext copied to another row does not decrypt. Layout: version (1), nonce (12), tag (16), ciphertext.
/// </summary>
public sealed class CertificateKeyProtector(ApiKeys keys)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public byte[] Protect(ReadOnlySpan<byte> privateKey, string domain)
    {
        var output = new byte[1 + NonceSize + TagSize + privateKey.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keys.CertificateStoreKey, TagSize);
        aes.Encrypt(nonce, privateKey, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), Encoding.UTF8.GetBytes(domain));
        return output;
    }

    /// <summary>The private key; throws <see cref="CryptographicException"/> when the data was altered or belongs to another domain or key.</summary>
    public byte[] Unprotect(ReadOnlySpan<byte> protectedKey, string domain)
    {
        if (protectedKey.Length < 1 + NonceSize + TagSize || protectedKey[0] != Version)
        {
            throw new CryptographicException("The stored key is not in a known format.");
        }

        var plaintext = new byte[protectedKey.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(keys.CertificateStoreKey, TagSize);
        aes.Decrypt(protectedKey.Slice(1, NonceSize), protectedKey[(1 + NonceSize + TagSize)..], protectedKey.Slice(1 + NonceSize, TagSize), plaintext, Encoding.UTF8.GetBytes(domain));
        return plaintext;
    }
}
