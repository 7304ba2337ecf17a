import { Body, Container, Html, Link, Preview, Text } from '@react-email/components';

interface WelcomeProps {
  firstName?: string;
  unsubscribeUrl: string;
}

export default function Welcome({ firstName = 'there', unsubscribeUrl }: WelcomeProps) {
  return (
    <Html lang="en">
      <Preview>Your Garden Club membership starts today</Preview>
      <Body>
        <Container>
          <Text>Hi {firstName},</Text>
          <Text>Welcome to the Garden Club. Your first newsletter arrives next week.</Text>
          <Text>Garden Club, 14 Orchard Lane, Bristol BS1 4QA</Text>
          <Link href={unsubscribeUrl}>Unsubscribe</Link>
        </Container>
      </Body>
    </Html>
  );
}

Welcome.PreviewProps = { firstName: 'Sam', unsubscribeUrl: 'https://garden.example/u' } satisfies WelcomeProps;
