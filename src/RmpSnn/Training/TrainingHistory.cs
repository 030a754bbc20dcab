namespace RmpSnn.Training;

/// <summary>Statistics of one finished epoch.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="LearningRate">Learning rate used in the epoch.</param>
/// <param name="Loss">Mean training loss.</param>
/// <param name="TrainAccuracy">Top-1 accuracy on the training batches (dropout and augmentation active).</param>
/// <param name="TestAccuracy">Top-1 accuracy on the test set, if one was given.</param>
/// <param name="Seconds">Wall time of the epoch including evaluation.</param>
public sealed record EpochResult(int Epoch, double LearningRate, double Loss, double TrainAccuracy, double? TestAccuracy, double Seconds);

/// <summary>All finished epochs of a run (including those restored from a checkpoint) and the best test accuracy.</summary>
public sealed record TrainingHistory(IReadOnlyList<EpochResult> Epochs, double? BestTestAccuracy);

/// <summary>
/// A progress report, sent after every batch and once more when an epoch ends (<see cref="Completed"/> set).
/// </summary>
/// <param name="Epoch">Current 1-based epoch.</param>
/// <param name="Epochs">Total epochs.</param>
/// <param name="Batch">Batches done in this epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Running mean loss of the epoch.</param>
/// <param name="Accuracy">Running training accuracy of the epoch.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch so far (on the end-of-epoch report: including evaluation).</param>
/// <param name="Completed">The epoch's final statistics, on the end-of-epoch report only.</param>
public sealed record TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Accuracy,
    double ImagesPerSecond, EpochResult? Completed = null);
