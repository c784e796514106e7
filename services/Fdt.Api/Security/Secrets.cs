using System.Security.Cryptography;
using System.Text;

namespace Fdt.Api.Security;

/// <summary>Random tokens and their stored hashes. Secrets are never stored or logged, only their SHA-256.</summary>
public static class Secrets
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A random token: <paramref name="prefix"/> then 32 base62 characters (190 bits).</summary>
    public static string NewToken(string prefix) => prefix + RandomNumberGenerator.GetString(Alphabet, 32);

    /// <summary>SHA-256 of the token, lowercase hex: what the database keeps.</summary>
    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    /// <summary>Constant-time comparison of two hashes.</summary>
    public static bool HashEquals(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
