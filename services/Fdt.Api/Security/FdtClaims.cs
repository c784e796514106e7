using System.Security.Claims;

namespace Fdt.Api.Security;

/// <summary>Claims in FDT's tokens, and helpers to read them.</summary>
public static class FdtClaims
{
    public const string Issuer = "fdt";

    public const string AccessAudience = "fdt-api";

    public const string AgentAudience = "fdt-edge";

    /// <summary>Present with value "true" on operators' access tokens.</summary>
    public const string Operator = "op";

    /// <summary>The user's security stamp when the token was issued; a changed stamp ends the token.</summary>
    public const string SecurityStamp = "stamp";

    /// <summary>Agent tokens: the team the agent acts for.</summary>
    public const string Team = "team";

    /// <summary>Agent tokens: the team's display name.</summary>
    public const string TeamName = "team_name";

    /// <summary>Agent tokens: the authtoken that was exchanged.</summary>
    public const string Authtoken = "authtoken";

    /// <summary>Agent tokens: names reserved by the team (repeated).</summary>
    public const string ReservedName = "reserved";

    /// <summary>Agent tokens: most tunnels per agent session.</summary>
    public const string MaxTunnels = "max_tunnels";

    /// <summary>The authenticated user's id, or null.</summary>
    public static Guid? GetUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var value = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? principal.FindFirstValue("sub");
        return Guid.TryParse(value, out var id) ? id : null;
    }

    /// <summary>The authenticated user's id; throws when there is none (use on endpoints that require authorization).</summary>
    public static Guid RequireUserId(this ClaimsPrincipal principal)
        => principal.GetUserId() ?? throw new InvalidOperationException("The request is not authenticated.");

    public static bool IsOperator(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(Operator) == "true";
    }
}
