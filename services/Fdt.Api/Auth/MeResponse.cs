using Fdt.Api.Teams;

namespace Fdt.Api.Auth;

/// <summary>Body of <c>GET /v1/auth/me</c>: the caller and the teams they belong to.</summary>
public sealed record MeResponse(Guid Id, string Email, string DisplayName, bool IsOperator, IReadOnlyList<TeamSummary> Teams);
