import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

/**
 * A real SMTP server for bench/monitor/detect.sh (GreenMail, from the server module's test classpath): listens on
 * 127.0.0.1:PORT, prints "READY", then one line per mail as it arrives: "EPOCH_MILLIS SUBJECT".
 */
public class MailSink {
    public static void main(String[] args) throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(Integer.parseInt(args[0]), "127.0.0.1", "smtp"));
        smtp.start();
        System.out.println("READY");
        System.out.flush();
        int seen = 0;
        while (true) {
            smtp.waitForIncomingEmail(1_000, seen + 1);
            long at = System.currentTimeMillis();
            MimeMessage[] mails = smtp.getReceivedMessages();
            for (int i = seen; i < mails.length; i++) {
                System.out.println(at + " " + mails[i].getSubject());
            }
            System.out.flush();
            seen = mails.length;
        }
    }
}
