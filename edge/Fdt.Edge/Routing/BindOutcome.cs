using Fdt.Protocol.Control;

namespace Fdt.Edge.Routing;

/// <summary>Result of asking the registry for a name.</summary>
internal readonly record struct BindOutcome(TunnelBinding? Binding, ControlError? Error);
