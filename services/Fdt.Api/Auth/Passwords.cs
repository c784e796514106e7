using System.Security.Cryptography;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Identity;

namespace Fdt.Api.Auth;

/// <summary>Password hashing with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/> (PBKDF2).</summary>
internal static class Passwords
{
    private static readonly PasswordHasher<User> Hasher = new();

    private static readonly User Nobody = new() { Email = "nobody@invalid", DisplayName = "nobody", PasswordHash = string.Empty, SecurityStamp = string.Empty };

    // Verified when the account does not exist, so an unknown email costs as much as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(Nobody, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));

    public static string Hash(User user, string password) => Hasher.HashPassword(user, password);

    /// <summary>Checks <paramref name="password"/>; when the stored hash uses old parameters, rehashes it on <paramref name="user"/>.</summary>
    public static bool Verify(User user, string password)
    {
        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        return result != PasswordVerificationResult.Failed;
    }

    /// <summary>The same work as <see cref="Verify"/>, for an account that does not exist.</summary>
    public static void VerifyDummy(string password) => Hasher.VerifyHashedPassword(Nobody, DummyHash.Value, password);
}
