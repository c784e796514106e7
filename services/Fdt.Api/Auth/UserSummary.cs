using Fdt.Data.Model;

namespace Fdt.Api.Auth;

/// <summary>A signed-in person as the API shows them.</summary>
public sealed record UserSummary(Guid Id, string Email, string DisplayName, bool IsOperator)
{
    internal static UserSummary From(User user) => new(user.Id, user.Email, user.DisplayName, user.IsOperator);
}
