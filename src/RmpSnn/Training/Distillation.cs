using RmpSnn.Models;
using static TorchSharp.torch;

namespace RmpSnn.Training;

/// <summary>
/// Knowledge distillation (Hinton et al. 2015): the loss becomes <c>(1 − w)·CE(student, labels) + w·τ²·KL(p_t ‖ p_s)</c>
/// with <c>p = softmax(logits / τ)</c>, the teacher run in eval mode without gradients on the same (augmented) batch.
/// QCFS fine-tuning uses the ReLU network it starts from as the teacher, so the clipped network learns its outputs.
/// The teacher is borrowed, not owned: the caller disposes it.
/// </summary>
/// <param name="Teacher">A trained network with the student's input shape and classes, on the training device.</param>
/// <param name="Name">How the teacher is named in checkpoints and messages (e.g. its file).</param>
/// <param name="Weight">w in [0, 1]: 0 is plain cross-entropy, 1 is the distillation term alone.</param>
/// <param name="Temperature">τ &gt; 0 of both softmaxes.</param>
public sealed record Distillation(Network Teacher, string Name, double Weight = 0.5, double Temperature = 4)
{
    /// <summary>Throws an <see cref="RmpSnnException"/> naming <paramref name="weight"/> or <paramref name="temperature"/> if invalid.</summary>
    public static void ValidateSettings(double weight, double temperature)
    {
        if (!(weight is >= 0 and <= 1)) throw new RmpSnnException($"--distill-weight {weight}: expected a value in [0, 1]");
        if (!(temperature > 0 && double.IsFinite(temperature)))
            throw new RmpSnnException($"--distill-temperature {temperature}: expected a positive temperature");
    }

    /// <summary>Throws an <see cref="RmpSnnException"/> if a setting is invalid or the teacher cannot teach <paramref name="student"/>.</summary>
    public void Validate(Network student)
    {
        ValidateSettings(Weight, Temperature);
        var (t, s) = (Teacher.Spec, student.Spec);
        if ((t.InChannels, t.ImageSize, t.Classes) != (s.InChannels, s.ImageSize, s.Classes))
            throw new RmpSnnException($"--teacher {Name}: takes {t.InChannels}×{t.ImageSize}×{t.ImageSize} images into {t.Classes} classes, " +
                $"the student {s.InChannels}×{s.ImageSize}×{s.ImageSize} into {s.Classes}");
    }

    /// <summary>The distillation loss of <paramref name="studentLogits"/> on <paramref name="images"/> (a scalar with gradient).</summary>
    public Tensor Loss(Tensor studentLogits, Tensor images, Tensor labels, double labelSmoothing)
    {
        Tensor teacherLogits;
        using (no_grad())
        {
            Teacher.eval();
            teacherLogits = Teacher.call(images);
        }
        using var scaledTeacher = teacherLogits / Temperature;
        using var logTeacher = nn.functional.log_softmax(scaledTeacher, 1);
        using var pTeacher = logTeacher.exp();
        using var scaledStudent = studentLogits / Temperature;
        using var logStudent = nn.functional.log_softmax(scaledStudent, 1);
        using var gap = logTeacher - logStudent;
        using var pointwise = pTeacher * gap;
        using var perImage = pointwise.sum(dim: 1);
        using var kl = perImage.mean();
        using var ce = nn.functional.cross_entropy(studentLogits, labels, label_smoothing: labelSmoothing);
        teacherLogits.Dispose();
        return ce * (1 - Weight) + kl * (Weight * Temperature * Temperature);
    }

    /// <summary>The settings a resumed run must repeat, as one line.</summary>
    public string Describe() => $"teacher {Name}, weight {Weight}, temperature {Temperature}";
}
