using Fdt.Api.Teams;
using Fdt.Data.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Fdt.Api.Auth;

/// <summary>
/// Checks and normalises request fields, collecting the errors of one request for a 400
/// validation problem. Emails are trimmed and lowercased; names are trimmed.
/// </summary>
internal sealed class InputValidation
{
    public const int MaxEmailLength = 320;
    public const int MaxNameLength = 200;
    public const int MinPasswordLength = 10;
    public const int MaxPasswordLength = 256;

    private readonly Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public bool HasErrors => _errors.Count > 0;

    /// <summary>The messages per field (for pages that show them next to their inputs).</summary>
    public IReadOnlyDictionary<string, string[]> Errors => _errors;

    public void Add(string field, string message)
        => _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

    public ValidationProblem Problem() => TypedResults.ValidationProblem(_errors, title: "The request is not valid.");

    /// <summary>An email address: at most 320 characters, one '@' with text on both sides, no spaces or control characters.</summary>
    public string Email(string field, string? value)
    {
        var email = value?.Trim().ToLowerInvariant() ?? string.Empty;
        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (email.Length == 0)
        {
            Add(field, "An email address is required.");
        }
        else if (email.Length > MaxEmailLength)
        {
            Add(field, $"An email address has at most {MaxEmailLength} characters.");
        }
        else if (at <= 0 || at == email.Length - 1 || email.IndexOf('@', at + 1) >= 0 || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            Add(field, "This is not an email address.");
        }

        return email;
    }

    /// <summary>A person's display name: 1 to 200 characters after trimming, no control characters.</summary>
    public string DisplayName(string field, string? value) => Name(field, value, "A display name");

    /// <summary>A team's name: 1 to 200 characters after trimming, no control characters.</summary>
    public string TeamName(string field, string? value) => Name(field, value, "A team name");

    /// <summary>A new password: 10 to 256 characters.</summary>
    public string NewPassword(string field, string? value)
    {
        var password = value ?? string.Empty;
        if (password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            Add(field, $"A password has {MinPasswordLength} to {MaxPasswordLength} characters.");
        }

        return password;
    }

    /// <summary>A password being checked (not created): present and at most 256 characters.</summary>
    public string GivenPassword(string field, string? value)
    {
        var password = value ?? string.Empty;
        if (password.Length == 0)
        {
            Add(field, "A password is required.");
        }
        else if (password.Length > MaxPasswordLength)
        {
            Add(field, $"A password has at most {MaxPasswordLength} characters.");
        }

        return password;
    }

    /// <summary>A secret token from the request (refresh token, invitation token).</summary>
    public string Token(string field, string? value)
    {
        var token = value ?? string.Empty;
        if (token.Length == 0)
        {
            Add(field, "A token is required.");
        }
        else if (token.Length > 128)
        {
            Add(field, "This is not a token.");
        }

        return token;
    }

    /// <summary>A team role: viewer, member, admin or owner.</summary>
    public TeamRole Role(string field, string? value)
    {
        if (TeamRoles.TryParse(value, out var role))
        {
            return role;
        }

        Add(field, "A role is one of viewer, member, admin, owner.");
        return TeamRole.Viewer;
    }

    private string Name(string field, string? value, string what)
    {
        var name = value?.Trim() ?? string.Empty;
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            Add(field, $"{what} has 1 to {MaxNameLength} characters.");
        }
        else if (name.Any(char.IsControl))
        {
            Add(field, $"{what} has no control characters.");
        }

        return name;
    }
}
