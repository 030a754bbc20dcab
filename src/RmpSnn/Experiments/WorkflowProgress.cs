namespace RmpSnn.Experiments;

/// <summary>
/// What a library workflow is doing: its current <see cref="Stage"/> (a new stage string starts a new stage) and, for
/// stages that count, how far they are. A stage with <see cref="Total"/> 0 has no count (a spinner).
/// </summary>
/// <param name="Stage">What runs, e.g. <c>training smallcnn on fashion-mnist-sample/train</c>.</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all; 0 when unknown.</param>
/// <param name="Detail">The latest detail line, e.g. <c>epoch 2/4 loss 0.571</c>.</param>
public readonly record struct WorkflowProgress(string Stage, double Done = 0, double Total = 0, string? Detail = null);
