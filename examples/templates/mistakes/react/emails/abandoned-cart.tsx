import { Body, Html, Link, Preview, Text } from '@react-email/components';

interface CartProps {
  userFirstname?: string;
  productName: string;
  unsubscribeUrl: string;
}

export default function AbandonedCart({ userFirstname, productName, unsubscribeUrl }: CartProps) {
  return (
    <Html lang="en">
      <Preview>Still thinking about the {productName}?</Preview>
      <Body>
        <Text>Hi {userFirstname}, we noticed you left the {productName} in your basket.</Text>
        <Text>Cart Co., 1 Loop Road, Denver, CO 80202</Text>
        <Link href={unsubscribeUrl}>Unsubscribe</Link>
      </Body>
    </Html>
  );
}
